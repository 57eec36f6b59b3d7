"""Prepare a demo state for the morning rush (run by bench/morning_rush.py as a child, with
DATABASE_URL set):

* a current academic session (hazari.schooldays.services.session_ensure), so today is a
  school day (unless it is a Sunday: the bench then refuses to run);
* a RuleSet on the state that opens entry at 00:00, counts it on time until 23:59 and closes
  it at 23:59, and every school's start time set to 00:00, so that a capture made "now" is
  accepted whatever the hour of the run (the real window is 10:00–17:00 IST);
* one API token per school account (the head master, user ID = UDISE code), written in bulk
  (only the SHA-256 is stored, as token_issue does);
* var/bench/rush_captures.jsonl: one line per school, in random order: its token, school id
  and a valid capture: every class it teaches (present ≤ enrolled), every staff member posted
  there today (mostly present), and meals served (≤ present in classes 1–8).

With --roll-call the state takes a student-wise roll call (RuleSet.roll_call = "students" on
the state), and each line also carries the school's roll call of today: every child on its
register once, about 92 % present and the rest absent (`roll`, register ids), with the meals
served ≤ the children present in classes 1–8 by the roll (`roll_meals_served`). The
locustfile sends either the counts or the roll (RUSH_MODE), so both loads can run on one
state, each school once.

    DATABASE_URL=... .venv/bin/python bench/rush_prepare.py OUT.jsonl [--roll-call]
"""

import datetime
import hashlib
import json
import os
import random
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazari.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from hazari.accounts.models import ApiToken, User  # noqa: E402
from hazari.accounts.roles import Role  # noqa: E402
from hazari.attendance.models import RollCall, RuleSet  # noqa: E402
from hazari.orgunits.models import Level, OrgUnit, School  # noqa: E402
from hazari.registers.models import Enrolment, academic_year_of  # noqa: E402
from hazari.schooldays.services import session_ensure  # noqa: E402
from hazari.staff.models import Posting  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1])
    roll_call = "--roll-call" in sys.argv[2:]
    today = timezone.localdate()
    year = academic_year_of(today)
    session = session_ensure(start_year=year)
    print(f"session {session.start}–{session.end}, weekly off {session.weekly_off}; today {today}")
    state = OrgUnit.objects.get(level=Level.STATE)
    RuleSet.objects.update_or_create(
        unit=state,
        defaults={
            "opens_at": datetime.time(0, 0),
            "on_time_until": datetime.time(23, 59),
            "on_time_minutes": 24 * 60,
            "day_closes_at": datetime.time(23, 59),
            "roll_call": RollCall.STUDENTS if roll_call else "",
        },
    )
    School.objects.update(start_time=datetime.time(0, 0))

    enrolled: dict[int, dict[int, tuple[int, int, int]]] = {}
    for school_id, class_no, b, g, t in Enrolment.objects.filter(academic_year=year).values_list(
        "school_id", "class_no", "boys", "girls", "third_gender"
    ):
        enrolled.setdefault(school_id, {})[class_no] = (b, g, t)
    staff: dict[int, list[int]] = {}
    for school_id, posting_id in Posting.objects.on(today).values_list("school_id", "pk"):
        staff.setdefault(school_id, []).append(posting_id)
    accounts = dict(
        User.objects.filter(role=Role.HEAD_MASTER, unit__level=Level.SCHOOL).values_list(
            "unit_id", "pk"
        )
    )
    registers = _registers() if roll_call else {}
    rng = random.Random(1)
    now = timezone.now()
    expires = now + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    lines, tokens = [], []
    for school in School.objects.select_related("unit").iterator(chunk_size=5000):
        raw = secrets.token_urlsafe(32)
        tokens.append(
            ApiToken(
                user_id=accounts[school.pk],
                key_hash=hashlib.sha256(raw.encode()).hexdigest(),
                device_id=f"rush-{school.pk}",
                created=now,
                expires_at=expires,
            )
        )
        rows = enrolled.get(school.pk, {})
        classes = []
        for class_no in school.classes:
            b, g, t = rows.get(class_no, (0, 0, 0))
            # About nine in ten children present, never more than enrolled.
            classes.append(
                {
                    "class_no": class_no,
                    "boys": int(b * rng.uniform(0.8, 1.0)),
                    "girls": int(g * rng.uniform(0.8, 1.0)),
                    "third_gender": t,
                }
            )
        marks = [
            {"posting_id": pk, "status": rng.choices("PALD", weights=(85, 5, 7, 3))[0]}
            for pk in staff.get(school.pk, [])
        ]
        fed = sum(c["boys"] + c["girls"] + c["third_gender"] for c in classes if c["class_no"] <= 8)
        extra: dict = {}
        if roll_call:
            present: list[int] = []
            absent: list[int] = []
            fed_by_roll = 0
            for pk, class_no in registers.get(school.pk, ()):
                if rng.random() < 0.92:
                    present.append(pk)
                    fed_by_roll += class_no <= 8
                else:
                    absent.append(pk)
            extra = {
                "roll": {"present": present, "absent": absent, "late": [], "left_early": []},
                "roll_meals_served": (
                    max(1, int(fed_by_roll * rng.uniform(0.9, 1.0))) if fed_by_roll else None
                ),
            }
        lines.append(
            json.dumps(
                {
                    "token": raw,
                    "school_id": school.pk,
                    "udise": school.unit.code,
                    "classes": classes,
                    "staff": marks,
                    # At least one: 0 meals would need a reason (rejected without one).
                    "meals_served": max(1, int(fed * rng.uniform(0.9, 1.0))) if fed else None,
                    **extra,
                }
            )
        )
    with transaction.atomic():
        ApiToken.objects.filter(device_id__startswith="rush-").delete()
        ApiToken.objects.bulk_create(tokens, batch_size=5000)
    rng.shuffle(lines)
    out.write_text("\n".join(lines) + "\n")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{len(lines):,} schools, {len(tokens):,} tokens → {out}")
    if roll_call:
        children = sum(len(r) for r in registers.values())
        print(
            f"roll call: the state takes a student-wise roll call; {children:,} children on "
            f"the registers of {len(registers):,} schools ({children / max(1, len(lines)):.0f} "
            "a school)"
        )


def _registers() -> dict[int, list[tuple[int, int]]]:
    """Each school's register today: [(student pk, class)], by pk (one query, arrays)."""
    out: dict[int, list[tuple[int, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT school_id, array_agg(id ORDER BY id), array_agg(class_no ORDER BY id)"
            " FROM registers_student WHERE is_active GROUP BY school_id"
        )
        for school_id, ids, classes in cursor.fetchall():
            out[school_id] = list(zip(ids, classes, strict=True))
    return out


if __name__ == "__main__":
    main()
