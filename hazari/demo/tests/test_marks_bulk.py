"""A state's session of marks drawn by PostgreSQL (hazari.demo.marks_bulk): every child on the
register marked on each day the school was open, never before the child joined, never today;
absence only on marked days; chronic absentees clustered in some schools; migrating blocks'
classrooms emptied in the season; a second run changes nothing. PostgreSQL only (the SQL is
PostgreSQL's): on SQLite the command says so."""

import datetime
from collections import defaultdict
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from hazari.demo.marks_bulk import months_between
from hazari.demo.students import migrating_blocks
from hazari.demo.tests.test_students import NOW, absence_by_student, build, days_of
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import Student
from hazari.schooldays.days import school_calendar
from hazari.students.models import MarkMonth

FIRST, LAST = datetime.date(2026, 9, 1), datetime.date(2026, 11, 26)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the marks are drawn by PostgreSQL"
)


def draw(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "generate_student_marks", "--since", str(FIRST), "--until", str(LAST), *args, stdout=out
        )
    return out.getvalue()


@pytest.fixture
def state(db) -> None:
    build("--schools", "120", "--seed", "1")


def test_months_between_counts_each_month_once():
    assert months_between(datetime.date(2026, 11, 30), datetime.date(2027, 2, 1)) == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
        datetime.date(2027, 2, 1),
    ]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_on_sqlite_the_command_says_it_needs_postgresql(state):
    with pytest.raises(CommandError, match="PostgreSQL"):
        draw()
    assert not MarkMonth.objects.exists()


@on_postgresql
def test_every_child_is_marked_on_the_open_days_and_only_then(state):
    # One child joined on 10 October; one left the register (inactive): no marks.
    joined, gone = Student.objects.order_by("pk")[:2]
    Student.objects.filter(pk=joined.pk).update(since=datetime.date(2026, 10, 10))
    Student.objects.filter(pk=gone.pk).update(is_active=False)
    output = draw()
    assert "month rows from 2026-09-01 to 2026-11-26" in output
    school_of = dict(Student.objects.filter(is_active=True).values_list("pk", "school_id"))
    calendar = school_calendar(sorted(set(school_of.values())), FIRST, LAST)
    district_of = dict(OrgUnit.objects.filter(level=Level.SCHOOL).values_list("pk", "district"))
    # The generator marks the days a school of the district was open: the demo's calendar is
    # the state's and the district's, so every school of a district has the same open days.
    open_days = {s: set(calendar.open_days(s)) for s in set(school_of.values())}
    marked: dict[int, set[datetime.date]] = defaultdict(set)
    for student, school, month, bits, absent in MarkMonth.objects.values_list(
        "student_id", "school_id", "month", "marked", "absent"
    ):
        assert absent & ~bits == 0
        assert school == school_of[student]
        marked[student] |= set(days_of(month, bits))
    assert gone.pk not in marked
    assert set(marked) == set(school_of)
    for student, days in marked.items():
        school = school_of[student]
        expected = open_days[school]
        if student == joined.pk:
            expected = {d for d in expected if d >= datetime.date(2026, 10, 10)}
        assert days == expected, (student, district_of[school])
    assert max(max(d) for d in marked.values()) <= LAST


@on_postgresql
def test_chronic_absentees_cluster_and_migrants_leave_in_the_season(state):
    draw()
    by_school = absence_by_student()
    shares = sorted(
        sum(1 for a in kids.values() if a >= 0.10) / len(kids)
        for kids in by_school.values()
        if len(kids) >= 20
    )
    # Most schools have a few chronic absentees; one in eight or so has many.
    assert shares[len(shares) // 2] < 0.12
    assert shares[-1] >= 0.18
    overall = [a for kids in by_school.values() for a in kids.values()]
    assert 0.03 < sum(overall) / len(overall) < 0.10
    blocks = OrgUnit.objects.filter(level=Level.BLOCK).values_list("pk", "district_id", "code")
    migrating = migrating_blocks(list(blocks), 1)
    in_migrating = set(
        OrgUnit.objects.filter(level=Level.SCHOOL, block__in=migrating).values_list("pk", flat=True)
    )
    september = absence_by_student({9})
    november = absence_by_student({11})

    def mean(schools, months):
        values = [a for s in schools for a in months.get(s, {}).values()]
        return sum(values) / len(values)

    others = set(by_school) - in_migrating
    assert mean(in_migrating, november) > mean(in_migrating, september) + 0.05
    assert abs(mean(others, november) - mean(others, september)) < 0.02


@on_postgresql
def test_a_second_run_changes_nothing(state):
    draw()
    before = sorted(MarkMonth.objects.values_list("student_id", "month", "marked", "absent"))
    draw()
    assert sorted(MarkMonth.objects.values_list("student_id", "month", "marked", "absent")) == (
        before
    )
