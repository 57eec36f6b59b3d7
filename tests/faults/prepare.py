"""The fault harness's state, made in the server's own database (run as a child process by
tests/faults/harness.py, with DATABASE_URL and the server's settings in the environment):

* the schema (migrate);
* a small demo state (build_demo_state: a few schools, each with its head master, whose user
  ID is the school's UDISE code and whose password is the demo's, its enrolment and staff);
* rules under which a capture is stored whatever the hour of the run: entry open from 00:00 to
  23:59 and on time all day, every school starting at 00:00, a week for an offline capture to
  arrive, and a capture received after its day's cut-off accepted as late (not held).

Prints, as JSON, the head masters' user IDs and the password.

    DATABASE_URL=... python tests/faults/prepare.py SCHOOLS
"""

import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from hazari.accounts.models import User  # noqa: E402
from hazari.accounts.roles import Role  # noqa: E402
from hazari.attendance.models import RuleSet, Status  # noqa: E402
from hazari.orgunits.models import Level, OrgUnit, School  # noqa: E402

DEMO_PASSWORD = "hazari-demo"


def main() -> None:
    schools = int(sys.argv[1])
    call_command("migrate", verbosity=0, interactive=False)
    call_command("build_demo_state", scale="demo", seed=1, schools=schools, verbosity=0)
    RuleSet.objects.update_or_create(
        unit=OrgUnit.objects.get(level=Level.STATE),
        defaults={
            "opens_at": datetime.time(0, 0),
            "on_time_until": datetime.time(23, 59),
            "on_time_minutes": 24 * 60,
            "day_closes_at": datetime.time(23, 59),
            "max_offline_days": 7,
            "after_close": Status.LATE,
        },
    )
    School.objects.update(start_time=datetime.time(0, 0))
    head_masters = list(
        User.objects.filter(role=Role.HEAD_MASTER, unit__level=Level.SCHOOL)
        .order_by("unit_id")
        .values_list("username", flat=True)
    )
    print(json.dumps({"head_masters": head_masters, "password": DEMO_PASSWORD}))


if __name__ == "__main__":
    main()
