"""School A with a session, a register of five children and a clock in term.

The clock is 10:30 on Wednesday 15 July 2026; marks are written as patterns of days from
1 July (`marks_of`)."""

import datetime

import pytest
import time_machine

from hazari.registers.models import Student
from hazari.schooldays.services import session_ensure
from hazari.students.models import MarkMonth

NOW = "2026-07-15 10:30 +0530"
TODAY = datetime.date(2026, 7, 15)
JULY = datetime.date(2026, 7, 1)


def marks_of(student: Student, pattern: str, *, month: datetime.date = JULY, school=None):
    """A MarkMonth from a pattern of days from the 1st: P present, A absent, L came late,
    E left early, '.' not marked (a holiday, a Sunday, before admission)."""
    marked = absent = late = left_early = 0
    for i, ch in enumerate(pattern):
        b = 1 << i
        if ch == ".":
            continue
        marked |= b
        absent |= b if ch == "A" else 0
        late |= b if ch == "L" else 0
        left_early |= b if ch == "E" else 0
    return MarkMonth.objects.create(
        school=school or student.school,
        month=month,
        student=student,
        marked=marked,
        absent=absent,
        late=late,
        left_early=left_early,
    )


def student(school, sid: str, name: str, *, gender="F", class_no=3, **extra) -> Student:
    return Student.objects.create(
        school=school, student_id=sid, name=name, gender=gender, class_no=class_no, **extra
    )


@pytest.fixture
def w(world):
    """School A with a session and children on its register, the clock in term."""
    session_ensure(start_year=2026, state=world.state)
    world.ravi = student(world.school_a, "S1001", "Ravi Kumar", gender="M", class_no=2)
    world.sita = student(world.school_a, "S1002", "Sita Bai", class_no=4)
    world.gita = student(world.school_a, "S1003", "Gita Devi", class_no=3)
    world.mohan = student(world.school_a, "S1004", "Mohan Lal", gender="M", class_no=5)
    world.left = student(world.school_a, "S1005", "Old Pupil", is_active=False)
    world.chandu = student(world.school_c, "S3001", "Chandu Patel", gender="M", class_no=6)
    with time_machine.travel(NOW, tick=False):
        yield world
