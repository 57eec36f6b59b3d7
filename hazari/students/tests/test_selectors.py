"""The school's follow-up list, read from the session's marks."""

import datetime
import uuid

from hazari.students.models import FollowUp, FollowUpEntry
from hazari.students.selectors import followup_list, month_of
from hazari.students.tests.conftest import TODAY, marks_of


def listed(w):
    return {r.student.student_id: r for r in followup_list(w.school_a, today=TODAY)}


def test_absent_three_marked_days_in_a_row_is_on_the_list(w):
    marks_of(w.ravi, "PPPP.PPPPPPA.AA")  # Sunday the 12th does not break the run
    marks_of(w.sita, "PPPP.PPPPPPA.AP")
    rows = listed(w)
    assert set(rows) == {"S1001"}
    s = rows["S1001"].standing
    assert (s.days_marked, s.days_absent, s.absent_in_a_row) == (13, 3, 3)
    assert s.reasons == ("in_a_row",) and s.tier == "severe"  # 3 of 13 missed: 23 %


def test_below_the_threshold_is_on_the_list(w):
    marks_of(w.gita, "PAPA.PAPAPP")  # 4 of 10 absent: 60 % present, last day present
    s = listed(w)["S1003"].standing
    assert s.reasons == ("below_threshold",) and s.absent_in_a_row == 0
    assert s.attendance == 60.0


def test_unmarked_days_are_not_absence(w):
    # Marked only from the 9th (admitted late): nine unmarked days are no absence.
    marks_of(w.mohan, ".........PPPPP")
    assert "S1004" not in listed(w)


def test_came_late_and_left_early_count_as_present(w):
    marks_of(w.ravi, "LLLE.EEPLL")
    assert "S1001" not in listed(w)


def test_a_late_bit_wins_over_an_absent_bit():
    july = datetime.date(2026, 7, 1)
    month = month_of(july, marked=0b111, absent=0b111, late=0b001, left_early=0b010)
    assert [present for _d, present in month.days()] == [True, True, False]


def test_marks_of_another_school_or_the_last_session_do_not_count(w):
    marks_of(w.ravi, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", month=datetime.date(2026, 3, 1))
    marks_of(w.ravi, "AAAA", school=w.school_b)
    marks_of(w.ravi, "PPPPP")
    assert "S1001" not in listed(w)


def test_only_current_students_of_the_school(w):
    marks_of(w.left, "AAAAA")
    marks_of(w.chandu, "AAAAA")
    assert listed(w) == {}


def test_worst_first(w):
    marks_of(w.gita, "PAPA.PAPAPP")  # 60 %, none in a row
    marks_of(w.ravi, "PPPP.PPAAAA")  # four in a row
    marks_of(w.sita, "PPPP.PPPAAA")  # three in a row
    rows = followup_list(w.school_a, today=TODAY)
    assert [r.student.student_id for r in rows] == ["S1001", "S1002", "S1003"]


def _entry(fu, user, kind, code, on, minutes=0):
    from django.utils import timezone

    at = timezone.now() + datetime.timedelta(minutes=minutes)
    return FollowUpEntry.objects.create(
        uuid=uuid.uuid4(),
        follow_up=fu,
        kind=kind,
        code=code,
        on=on,
        recorded_by=user,
        role=user.role,
        captured_at=at,
        received_at=at,
        content_hash="x",
    )


def test_an_open_follow_up_keeps_a_student_on_the_list_with_its_history(w):
    marks_of(w.sita, "PPPP.PPPPPP")  # attending again
    fu = FollowUp.objects.create(
        student=w.sita, school=w.school_a, opened_on=datetime.date(2026, 7, 2), cause="illness"
    )
    first = _entry(fu, w.asha, "cause", "illness", datetime.date(2026, 7, 2))
    second = _entry(fu, w.tarun, "action", "home_visit", datetime.date(2026, 7, 3), minutes=1)
    row = listed(w)["S1002"]
    assert row.standing.reasons == () and row.follow_up is not None
    assert row.follow_up.pk == fu.pk and row.history == [first, second]


def test_a_closed_follow_up_is_shown_only_for_a_student_on_the_list(w):
    marks_of(w.ravi, "PPPP.PPPAAA")
    marks_of(w.sita, "PPPP.PPPPPP")
    for s in (w.ravi, w.sita):
        fu = FollowUp.objects.create(
            student=s, school=w.school_a, opened_on=datetime.date(2026, 7, 2), is_open=False
        )
        _entry(fu, w.asha, "outcome", "came_back", datetime.date(2026, 7, 6))
    rows = listed(w)
    assert set(rows) == {"S1001"}
    assert rows["S1001"].follow_up is not None and not rows["S1001"].follow_up.is_open


def test_three_queries_whatever_the_number_of_students(w, django_assert_num_queries):
    followup_list(w.school_a, today=TODAY)  # the process keeps the day's calendar
    for s in (w.ravi, w.sita, w.gita, w.mohan):
        marks_of(s, "PPPP.PPAAAA")
        fu = FollowUp.objects.create(student=s, school=w.school_a, opened_on=TODAY)
        _entry(fu, w.asha, "cause", "illness", TODAY)
        _entry(fu, w.asha, "action", "home_visit", TODAY, minutes=1)
    with django_assert_num_queries(3):
        rows = followup_list(w.school_a, today=TODAY)
        assert [len(r.history) for r in rows] == [2, 2, 2, 2]
        assert all(e.recorded_by.name for r in rows for e in r.history)
