import datetime

import pytest
from django.utils import timezone

from hazari.registers.models import Enrolment
from hazari.schooldays.services import session_ensure
from hazari.staff.models import Posting

# A Wednesday in term.
DAY = datetime.date(2026, 7, 15)


def at(hhmm: str, day: datetime.date = DAY) -> datetime.datetime:
    """An aware datetime in India time."""
    naive = datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm))
    return timezone.make_aware(naive)


@pytest.fixture
def school_a_ready(world):
    """School A (classes 1–5) with enrolment, two posted staff and a session."""
    session_ensure(start_year=2026, state=world.state)
    for class_no in range(1, 6):
        Enrolment.objects.create(
            school=world.school_a, academic_year=2026, class_no=class_no, boys=20, girls=20
        )
    world.posting_asha = Posting.objects.create(
        employee_code="EMP0001",
        name="Asha Verma",
        designation="Head Master",
        school=world.school_a,
        start_date=datetime.date(2020, 7, 1),
        source="hrmis",
    )
    world.posting_tarun = Posting.objects.create(
        employee_code="EMP1001",
        name="Tarun Sahu",
        designation="Primary Teacher",
        school=world.school_a,
        start_date=datetime.date(2021, 7, 1),
        source="hrmis",
    )
    return world
