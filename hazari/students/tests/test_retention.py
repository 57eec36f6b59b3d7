"""Children's marks and follow-ups are kept for the sessions the state sets, then deleted;
the day's counts stay."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from hazari.registers.models import PastStay, Student
from hazari.students.models import FollowUp, FollowUpEntry, MarkMonth
from hazari.students.retention import keep_from, marks_reduce


def test_the_kept_sessions_start_on_the_first_of_april():
    assert keep_from(datetime.date(2026, 12, 7), 1) == datetime.date(2026, 4, 1)
    assert keep_from(datetime.date(2026, 12, 7), 2) == datetime.date(2025, 4, 1)
    assert keep_from(datetime.date(2027, 3, 31), 2) == datetime.date(2025, 4, 1)
    assert keep_from(datetime.date(2027, 4, 1), 2) == datetime.date(2026, 4, 1)
    with pytest.raises(ValueError):
        keep_from(datetime.date(2026, 12, 7), 0)


@pytest.fixture
def old_and_new(world):
    child = Student.objects.create(
        student_id="1001", name="Ravi", gender="M", class_no=2, school=world.school_a
    )
    for month in (datetime.date(2024, 12, 1), datetime.date(2025, 4, 1), datetime.date(2026, 7, 1)):
        MarkMonth.objects.create(school=world.school_a, month=month, student=child, marked=3)
    PastStay.objects.create(
        student=child, school=world.school_a, class_no=1, until=datetime.date(2025, 3, 31)
    )
    PastStay.objects.create(
        student=child, school=world.school_a, class_no=1, until=datetime.date(2026, 3, 31)
    )
    old = FollowUp.objects.create(
        student=child, school=world.school_a, opened_on=datetime.date(2024, 11, 2), is_open=False
    )
    FollowUpEntry.objects.create(
        uuid="00000000-0000-4000-8000-000000000001",
        follow_up=old,
        kind="cause",
        code="illness",
        on=datetime.date(2024, 11, 2),
        recorded_by=world.asha,
        role="head_master",
        captured_at="2024-11-02T10:00:00+05:30",
        received_at="2024-11-02T10:00:00+05:30",
        content_hash="x",
    )
    FollowUp.objects.create(
        student=child, school=world.school_a, opened_on=datetime.date(2026, 7, 2)
    )
    return child


def test_older_sessions_are_reduced_and_the_kept_ones_stay(world, old_and_new):
    done = marks_reduce(today=datetime.date(2026, 12, 7), sessions=2)
    assert (done.months, done.past_stays, done.follow_ups) == (1, 1, 1)
    assert sorted(MarkMonth.objects.values_list("month", flat=True)) == [
        datetime.date(2025, 4, 1),
        datetime.date(2026, 7, 1),
    ]
    assert list(PastStay.objects.values_list("until", flat=True)) == [datetime.date(2026, 3, 31)]
    assert list(FollowUp.objects.values_list("opened_on", flat=True)) == [datetime.date(2026, 7, 2)]
    assert not FollowUpEntry.objects.exists()


def test_the_command_keeps_the_sessions_the_state_sets(world, old_and_new, settings):
    settings.STUDENT_MARKS_SESSIONS = 1
    out = io.StringIO()
    with time_machine.travel("2026-12-07 02:00 +0530", tick=False):
        call_command("reduce_student_marks", stdout=out)
    assert "kept from 2026-04-01: deleted 2 month rows" in out.getvalue()
    assert list(MarkMonth.objects.values_list("month", flat=True)) == [datetime.date(2026, 7, 1)]
