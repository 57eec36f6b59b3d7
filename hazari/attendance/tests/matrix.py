"""Attendance pages in the access matrix (see accounts/tests/test_access_matrix.py).

The POST body of the attendance form is valid for any school (extra classes are ignored; the
target school has no staff posted), and the target's state has a session for today: a missing
check would make the capture service store a Capture (even a rejected one), which snapshot()
would show. The held list takes no pk: test_review checks that it lists only the area's
versions.
"""

import datetime

from django.utils import timezone

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.attendance.models import Capture, DayRecord, Status, Version
from hazari.orgunits.models import School
from hazari.registers.models import academic_year_of
from hazari.schooldays.services import session_ensure

CAPTURE_ID = "6f1c1c9e-3b0a-4f4e-9d55-2a7f1a3c0b01"

ATTENDANCE = {
    "capture_id": CAPTURE_ID,
    **{f"c{n}_{g}": "0" for n in range(1, 13) for g in ("boys", "girls", "third_gender")},
    "meals_served": "0",
    "reason": "Recount",
}
NOTE = {"note": "Spoke to the head master: the phone's date was wrong."}


def _outside_school(world, who) -> School | None:
    """A school outside the user's area, open today as far as the session goes."""
    session_ensure(start_year=academic_year_of(timezone.localdate()), state=world.state)
    return School.objects.exclude(pk__in=scope.schools_for(who)).order_by("pk").first()


def _outside_held_version(world, who) -> Version | None:
    """A held version at a school outside the user's area: made on demand."""
    school = School.objects.exclude(pk__in=scope.schools_for(who)).order_by("pk").first()
    if school is None:  # the state's people see everything
        return None
    found = Version.objects.filter(record__school=school, status=Status.HELD).first()
    if found is not None:
        return found
    now = timezone.now()
    day = timezone.localdate(now)
    submitter = User.objects.filter(unit=school.unit).first() or world.arjun
    record, _ = DayRecord.objects.get_or_create(school=school, date=day)
    version = Version.objects.create(
        record=record,
        number=1,
        status=Status.HELD,
        submitted_by=submitter,
        role=submitter.role,
        device_id="phone-out",
        captured_at=now - datetime.timedelta(hours=2),
        received_at=now,
    )
    Capture.objects.create(
        uuid=f"00000000-0000-4000-8000-{school.pk:012d}",
        school=school,
        date=day,
        submitted_by=submitter,
        role=submitter.role,
        device_id="phone-out",
        captured_at=now - datetime.timedelta(hours=4),
        received_at=now,
        clock_offset=2 * 3600,
        content_hash="0" * 64,
        status=Status.HELD,
        code="wrong_clock",
        version=version,
    )
    return version


ENDPOINTS = [
    ("get", "/schools/{pk}/attendance/", "school", None),
    ("post", "/schools/{pk}/attendance/", "attendance_school", ATTENDANCE),
    ("post", "/attendance/versions/{pk}/approve/", "held_version", NOTE),
    ("post", "/attendance/versions/{pk}/dismiss/", "held_version", NOTE),
]
TARGETS = {"attendance_school": _outside_school, "held_version": _outside_held_version}


def snapshot():
    return (
        list(Capture.objects.order_by("uuid").values_list("uuid", "status", "version_id")),
        list(
            DayRecord.objects.order_by("pk").values_list(
                "pk", "current_id", "first_reported_at", "on_time"
            )
        ),
        list(
            Version.objects.order_by("pk").values_list(
                "pk", "status", "reviewed_by_id", "reviewed_at", "review", "review_note"
            )
        ),
    )
