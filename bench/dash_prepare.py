"""Prepare the full state for the dashboards' benchmark (run by bench/dashboards.py as a
child, with DATABASE_URL set), after bench/rush_prepare.py has made the phones' tokens and
captures:

* today a school day: when it is the weekly off, a working day is declared for the state
  (through the model, so the calendar's history records it and the refresher sees it);
* var/bench/dash_viewers.json: one logged-in session per viewer, half the state officer's
  monthly view by district, half a block officer's monthly view of every school of the block
  (a different block each), for the current month.

    DATABASE_URL=... .venv/bin/python bench/dash_prepare.py OUT.json VIEWERS [dashboards|meals]

With "meals" the viewers look at the mid-day meal reports instead: half the state's meals by
district, half a block's meal flags, for the current month. With "absence" (issue 15) they
look at the children who miss school, for the session so far, in turn: the state's chronic
absentees by district, a district's by block, the state's causes, a district's causes, and a
cluster officer's named list of the children to follow up (a different district and cluster
each).
"""

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazari.accounts.models import User  # noqa: E402
from hazari.accounts.roles import Role  # noqa: E402
from hazari.orgunits.models import Level, OrgUnit  # noqa: E402
from hazari.schooldays.days import day_status  # noqa: E402
from hazari.schooldays.models import WorkingDay  # noqa: E402


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # As a password login records it: the backend that checked the password.
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key or ""


def main() -> None:
    out, viewers = Path(sys.argv[1]), int(sys.argv[2])
    pages = sys.argv[3] if len(sys.argv) > 3 else "dashboards"
    meals = pages == "meals"
    today = timezone.localdate()
    state = OrgUnit.objects.get(level=Level.STATE)
    school = OrgUnit.objects.filter(level=Level.SCHOOL).order_by("pk").first()
    status = day_status(school, today)
    if not status.open:
        if status.reason != "weekly_off":
            raise SystemExit(f"today is closed ({status.label}): run the bench on a school day")
        WorkingDay.objects.get_or_create(
            unit=state, day=today, defaults={"reason": "Benchmark: a working day"}
        )
        print(f"{today} is the weekly off: declared a working day for the state")
    month = today.isoformat()
    if pages == "absence":
        rows = absence_viewers(viewers, state)
        out.write_text(json.dumps(rows, indent=1))
        print(f"{len(rows)} viewer sessions → {out}")
        return
    officer = User.objects.filter(role=Role.STATE_OFFICER, unit=state).order_by("pk").first()
    blocks = list(
        User.objects.filter(role=Role.BLOCK_OFFICER, unit__level=Level.BLOCK)
        .exclude(
            unit__in=OrgUnit.objects.filter(level=Level.BLOCK).exclude(
                pk__in=OrgUnit.objects.filter(level=Level.SCHOOL).values("block")
            )
        )
        .select_related("unit")
    )
    rng = random.Random(1)
    rng.shuffle(blocks)
    rows = []
    for i in range(viewers):
        if i % 2 == 0:
            path = "meals" if meals else "dashboard"
            rows.append(
                {
                    "name": "state-meals-by-district" if meals else "state-by-district",
                    "cookie": session_for(officer),
                    "url": f"/{path}/units/{state.pk}/?period=month&date={month}",
                }
            )
        else:
            b = blocks[i // 2]
            page = "meals/units/{}/flags" if meals else "dashboard/units/{}/schools"
            rows.append(
                {
                    "name": "block-meal-flags" if meals else "block-by-school",
                    "cookie": session_for(b),
                    "url": f"/{page.format(b.unit_id)}/?period=month&date={month}",
                }
            )
    out.write_text(json.dumps(rows, indent=1))
    print(f"{len(rows)} viewer sessions → {out}")


ABSENCE_VIEWS = (
    ("state-absence", Role.STATE_OFFICER, "/absence/units/{}/"),
    ("district-absence", Role.DISTRICT_OFFICER, "/absence/units/{}/"),
    ("state-causes", Role.STATE_OFFICER, "/absence/units/{}/causes/"),
    ("district-causes", Role.DISTRICT_OFFICER, "/absence/units/{}/causes/"),
    ("cluster-named-list", Role.CLUSTER_OFFICER, "/students/cluster/{}/followup/"),
)


def absence_viewers(viewers: int, state: OrgUnit) -> list[dict]:
    """Officers of each kind in turn, each of another unit with schools."""
    rng = random.Random(1)
    with_schools = OrgUnit.objects.filter(level=Level.SCHOOL)
    officers: dict[str, list[User]] = {}
    for role, column in (
        (Role.STATE_OFFICER, "state"),
        (Role.DISTRICT_OFFICER, "district"),
        (Role.CLUSTER_OFFICER, "cluster"),
    ):
        users = list(
            User.objects.filter(role=role, unit__in=with_schools.values(column))
            .order_by("pk")
            .select_related("unit")
        )
        rng.shuffle(users)
        officers[role] = users
    rows = []
    for i in range(viewers):
        name, role, url = ABSENCE_VIEWS[i % len(ABSENCE_VIEWS)]
        users = officers[role]
        user = users[(i // len(ABSENCE_VIEWS)) % len(users)]
        rows.append({"name": name, "cookie": session_for(user), "url": url.format(user.unit_id)})
    return rows


if __name__ == "__main__":
    main()
