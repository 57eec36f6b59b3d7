"""A student-wise roll call in the day's capture: checked against the register of its day, the
counts derived from the marks, the marks kept in the month rows of the day's current version."""

import datetime
import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazari.attendance import review
from hazari.attendance.models import ClassPresence, DayRecord, Version
from hazari.attendance.services import CaptureIn, ClassCount, StaffMark, capture_submit
from hazari.attendance.tests.conftest import (
    DAY,
    at,
    school_a_ready,  # noqa: F401 (a fixture)
)
from hazari.registers.models import PastStay, Student
from hazari.students.marks import Month
from hazari.students.models import HeldRollCall, Mark, MarkMonth
from hazari.students.rollcall import Roll, register_of_day

GENDERS = ["M", "F", "M", "F", "T", "F", "M", "F"]  # eight children a class


@pytest.fixture
def w(school_a_ready):  # noqa: F811
    """School A (classes 1–5) with eight children a class on its register since before the
    session, and one child of school B."""
    w = school_a_ready
    w.children = {
        class_no: [
            Student.objects.create(
                student_id=f"A{class_no}{i:02d}",
                name=f"Child {class_no}-{i}",
                gender=gender,
                class_no=class_no,
                school=w.school_a,
            )
            for i, gender in enumerate(GENDERS)
        ]
        for class_no in range(1, 6)
    }
    w.elsewhere = Student.objects.create(
        student_id="B601", name="Other child", gender="F", class_no=6, school=w.school_b
    )
    return w


def everyone(w) -> list[Student]:
    return [s for children in w.children.values() for s in children]


def roll_of(marks: dict[int, str]) -> Roll:
    lists: dict[str, list[int]] = {"P": [], "A": [], "L": [], "E": []}
    for student, mark in marks.items():
        lists[mark].append(student)
    return Roll(tuple(lists["P"]), tuple(lists["A"]), tuple(lists["L"]), tuple(lists["E"]))


def send(w, roll, *, day=DAY, when="10:30", offset=0, reason="", classes=(), user=None):
    return capture_submit(
        user=user or w.asha,
        data=CaptureIn(
            uuid=uuid.uuid4(),
            school_id=w.school_a.pk,
            date=day,
            captured_at=at(when, day) - datetime.timedelta(seconds=offset),
            classes=list(classes),
            staff=[StaffMark(w.posting_asha.pk, "P"), StaffMark(w.posting_tarun.pk, "P")],
            reason=reason,
            roll=roll,
        ),
        received_at=at(when, day),
        clock_offset=datetime.timedelta(seconds=offset),
        device_id="phone-1",
    )


def counts_of(version_number: int, day=DAY) -> dict[int, tuple[int, int, int]]:
    version = Version.objects.get(
        record__school__unit__code="23320100101", record__date=day, number=version_number
    )
    return {
        c.class_no: (c.boys, c.girls, c.third_gender)
        for c in ClassPresence.objects.filter(version=version)
    }


def marks_on(day=DAY) -> dict[int, str]:
    """Each student's mark on the day, read back from the month rows."""
    out: dict[int, str] = {}
    for row in MarkMonth.objects.filter(month=day.replace(day=1)):
        month = Month(row.month, row.marked, row.absent)
        for d, present in month.days():
            if d == day:
                bit = 1 << (day.day - 1)
                if not present:
                    out[row.student_id] = Mark.ABSENT
                elif row.late & bit:
                    out[row.student_id] = Mark.LATE
                elif row.left_early & bit:
                    out[row.student_id] = Mark.LEFT_EARLY
                else:
                    out[row.student_id] = Mark.PRESENT
    return out


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_counts_are_derived_from_the_marks(w, data):
    children = everyone(w)
    # Each child present, absent, late, left early, or not on this roll call at all.
    choice = st.sampled_from(["P", "A", "L", "E", None])
    picked = data.draw(st.lists(choice, min_size=len(children), max_size=len(children)))
    marks = {c.pk: m for c, m in zip(children, picked, strict=True) if m is not None}
    if not marks:
        marks = {children[0].pk: "A"}
    with transaction.atomic():
        receipt = send(w, roll_of(marks))
        assert receipt.status == "accepted", receipt.errors
        expected = {class_no: [0, 0, 0] for class_no in range(1, 6)}
        for child in children:
            if marks.get(child.pk) in ("P", "L", "E"):
                expected[child.class_no]["MFT".index(child.gender)] += 1
        assert counts_of(receipt.version) == {c: tuple(v) for c, v in expected.items()}
        assert marks_on() == marks
        transaction.set_rollback(True)


def test_a_roll_call_is_a_capture_like_any_other(w):
    children = everyone(w)
    absent = {children[0].pk, children[9].pk, children[17].pk}
    marks = {c.pk: ("A" if c.pk in absent else "P") for c in children}
    receipt = send(w, roll_of(marks))
    assert (receipt.status, receipt.code, receipt.version) == ("accepted", "on_time", 1)
    record = DayRecord.objects.get(school=w.school_a, date=DAY)
    assert record.on_time
    version = record.current
    assert version.present_boys + version.present_girls + version.present_third_gender == 37


def test_a_correction_replaces_the_days_marks(w):
    children = everyone(w)
    first = {c.pk: "P" for c in children}
    first[children[0].pk] = "A"
    assert send(w, roll_of(first)).status == "accepted"
    # Without a reason, a second roll call of the day is refused and changes nothing.
    second = {c.pk: "P" for c in children[1:]}  # the first child off the roll, all present
    second[children[1].pk] = "A"
    refused = send(w, roll_of(second), when="10:40")
    assert (refused.status, refused.code) == ("rejected", "reason_required")
    assert marks_on() == first
    corrected = send(w, roll_of(second), when="10:45", reason="Marked the wrong child")
    assert (corrected.status, corrected.version) == ("accepted", 2)
    assert marks_on() == second  # the first child is now unmarked that day, not absent
    assert counts_of(2)[1] == (2, 3, 1)  # class 1: children 2–7 present (M F T F M F)


def test_a_correction_by_counts_leaves_the_day_unmarked(w):
    children = everyone(w)
    assert send(w, roll_of({c.pk: "A" for c in children})).status == "accepted"
    counts = [ClassCount(c, 4, 4) for c in range(1, 6)]
    receipt = send(w, None, when="11:00", reason="Entered as counts", classes=counts)
    assert receipt.status == "accepted"
    assert marks_on() == {}


def test_a_held_roll_call_marks_nobody_until_it_is_approved(w):
    children = everyone(w)
    marks = {c.pk: "P" for c in children}
    marks[children[3].pk] = "A"
    receipt = send(w, roll_of(marks), offset=2 * 3600)  # a clock two hours wrong: held
    assert receipt.status == "held"
    assert marks_on() == {} and HeldRollCall.objects.count() == 1
    version = Version.objects.get(number=receipt.version)
    review.version_approve(actor=w.chetan, version=version, note="Checked on the phone")
    assert marks_on() == marks


@pytest.mark.parametrize(
    "case, code",
    [
        ("elsewhere", "not_on_register"),
        ("twice", "duplicate"),
        ("transferred_out", "transferred_out"),
        ("admitted_later", "not_on_register"),
    ],
)
def test_a_bad_mark_is_named_and_nothing_is_written(w, case, code):
    children = everyone(w)
    marks = {c.pk: "P" for c in children}
    roll = roll_of(marks)
    if case == "elsewhere":
        roll = Roll(roll.present, (w.elsewhere.pk,))
    elif case == "twice":
        roll = Roll(roll.present, (children[5].pk,))
    elif case == "transferred_out":
        # Moved to school B five days before the day.
        child = children[5]
        PastStay.objects.create(
            student=child, school=w.school_a, class_no=1, until=DAY - datetime.timedelta(days=5)
        )
        Student.objects.filter(pk=child.pk).update(
            school=w.school_b, class_no=6, since=DAY - datetime.timedelta(days=5)
        )
    elif case == "admitted_later":
        Student.objects.filter(pk=children[5].pk).update(since=DAY + datetime.timedelta(days=1))
    receipt = send(w, roll)
    assert (receipt.status, receipt.code) == ("rejected", "invalid")
    assert code in {e["code"] for e in receipt.errors}
    bad = next(e for e in receipt.errors if e["code"] == code)
    assert bad["field"].startswith("roll.") and bad["message_hi"] and bad["message_en"]
    assert not Version.objects.exists() and not MarkMonth.objects.exists()


def test_a_roll_call_that_waited_while_a_child_moved_away_is_judged_as_it_was_taken(w):
    # Taken on the day with the child on the roll; the transfer was imported the next day,
    # before the phone got a network.
    children = everyone(w)
    child = children[2]
    PastStay.objects.create(student=child, school=w.school_a, class_no=1, until=DAY)
    Student.objects.filter(pk=child.pk).update(
        school=w.school_b, class_no=6, since=DAY + datetime.timedelta(days=1)
    )
    marks = {c.pk: "P" for c in children}
    receipt = send(w, roll_of(marks))
    assert receipt.status == "accepted", receipt.errors
    assert counts_of(1)[1] == (3, 4, 1)  # the child (a boy of class 1) counted in class 1
    assert child.pk in register_of_day(w.school_a.pk, DAY)
    assert child.pk not in register_of_day(w.school_a.pk, DAY + datetime.timedelta(days=1))


def test_a_roll_call_with_counts_or_no_one_is_refused(w):
    children = everyone(w)
    marks = {c.pk: "P" for c in children}
    both = send(w, roll_of(marks), classes=[ClassCount(c, 4, 4) for c in range(1, 6)])
    assert "counts_with_roll" in {e["code"] for e in both.errors}
    empty = send(w, Roll())
    assert "empty_roll" in {e["code"] for e in empty.errors}
    assert not Version.objects.exists()


def test_the_marks_of_a_month_count_each_day_once(w):
    children = everyone(w)
    days = [DAY, DAY + datetime.timedelta(days=1)]
    for i, day in enumerate(days):
        marks = {c.pk: ("A" if c.pk == children[0].pk or i else "P") for c in children}
        assert send(w, roll_of(marks), day=day).status == "accepted"
    first = MarkMonth.objects.get(student=children[0])
    assert (first.marked.bit_count(), first.absent.bit_count()) == (2, 2)
    second = MarkMonth.objects.get(student=children[1])
    assert (second.marked.bit_count(), second.absent.bit_count()) == (2, 1)
    assert MarkMonth.objects.count() == len(children)  # one row a child for the month
