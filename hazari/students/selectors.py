"""Reads of students who miss school: a school's follow-up list (issue 15, item 3).

The list is worked out on each read from the session's marks (hazari.students.followup holds
the rules): a school's students and their marks are a few hundred rows, and a list kept in a
table would have to be rewritten whenever a roll call or a correction changes a mark.
Three queries whatever the school's size: its marks of the session, its current students,
and its follow-ups of the session with their entries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from hazari.orgunits.models import School
from hazari.registers.models import Student, academic_year_of
from hazari.schooldays.days import day_calendar
from hazari.students import followup, marks
from hazari.students.models import FollowUp, FollowUpEntry, KeptStanding, MarkMonth

# The state's order: followup.Limits' defaults (3 days in a row, 75 %, 30 days, 10 %, 20 %).
DEFAULT_LIMITS = followup.Limits()


def session_start(school: School, today: datetime.date) -> datetime.date:
    """The first day of the school's session that holds `today`: its state's session when
    one is entered (kept by the process: schooldays.day_calendar), else 1 April."""
    return state_session_start(school.unit.state_id or school.unit.pk, today)


def state_session_start(state_id: int | None, today: datetime.date) -> datetime.date:
    """The first day of the session holding `today` of that state (of any state: the
    earliest, when None), else 1 April."""
    starts = [
        session.start
        for session in day_calendar(today).sessions
        if (state_id is None or session.state_id == state_id) and session.covers(today)
    ]
    return min(starts, default=datetime.date(academic_year_of(today), 4, 1))


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_of(row_month: datetime.date, marked: int, absent: int, late: int, left_early: int):
    """A MarkMonth row as marks.Month. A day marked late or left early is a day present,
    whatever else its bits say; `absent` is kept within `marked` (marks.Month's rule)."""
    return marks.Month(row_month, marked, absent & marked & ~(late | left_early))


def days_between(
    months: list[marks.Month], start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, bool]]:
    """(day, present) for each marked day from start to end (both included)."""
    return [(d, present) for m in months for d, present in m.days() if start <= d <= end]


def months_between(
    months: list[marks.Month], start: datetime.date, end: datetime.date
) -> list[marks.Month]:
    """The same marks as days_between, kept as months: the bits of the days before `start`
    and after `end` cleared. A cluster's list is ~4,500 children: walking their days one by
    one took 1.4 s, the bits take a few ms (followup.standing_of_months)."""
    out = []
    for m in months:
        if m.first < _month_start(start) or m.first > end:
            continue
        keep = ALL_DAYS
        if (m.first.year, m.first.month) == (start.year, start.month):
            keep &= ~((1 << (start.day - 1)) - 1)
        if (m.first.year, m.first.month) == (end.year, end.month):
            keep &= (1 << end.day) - 1
        if keep:
            out.append(marks.Month(m.first, m.marked & keep, m.absent & keep))
    return out


ALL_DAYS = (1 << marks.DAYS_IN_A_MONTH) - 1


@dataclass(frozen=True)
class Row:
    """A student on the school's follow-up list, or with a follow-up of the session."""

    student: Student
    standing: followup.Standing
    # The student's open follow-up, else the latest of the session (closed); None: none yet.
    follow_up: FollowUp | None
    history: list[FollowUpEntry] = field(default_factory=list)  # oldest first


def _standings(
    ids: list[int], start: datetime.date, today: datetime.date, limits: followup.Limits
) -> dict[int, followup.Standing]:
    """Every current child's standing from the schools' marks of the session."""
    by_student: dict[int, list[marks.Month]] = defaultdict(list)
    for student_id, month, marked, absent, late, left_early in (
        MarkMonth.objects.filter(
            school_id__in=ids, month__gte=_month_start(start), month__lte=today
        )
        .order_by("month")
        .values_list("student_id", "month", "marked", "absent", "late", "left_early")
    ):
        by_student[student_id].append(month_of(month, marked, absent, late, left_early))
    return {
        student_id: followup.standing_of_months(months_between(months, start, today), limits)
        for student_id, months in by_student.items()
    }


def _kept_standings(ids: list[int]) -> dict[int, followup.Standing]:
    """The standings the officers' figures last kept for these schools' children."""
    return {
        k.student_id: followup.Standing(
            k.days_marked,
            k.days_absent,
            k.absent_in_a_row,
            k.recent_marked,
            k.recent_absent,
            tuple(k.reasons.split(",")) if k.reasons else (),
            k.tier or None,
        )
        for k in KeptStanding.objects.filter(school_id__in=ids)
    }


def _worst_first(row: Row) -> tuple:
    """Absent right now is the most urgent; then the lowest attendance."""
    s = row.standing
    attendance = s.attendance if s.attendance is not None else 101.0
    student = row.student
    return (-s.absent_in_a_row, attendance, student.class_no, student.section, student.name)


def followup_list(
    school: School, *, today: datetime.date, limits: followup.Limits = DEFAULT_LIMITS
) -> list[Row]:
    """The school's current students on the follow-up list (followup.standing over the
    session's marked days up to today), and those with a follow-up still open, worst first.
    `school.unit` must be loaded (scope.school_for does)."""
    return followup_lists([school], today=today, limits=limits)[school.pk]


def followup_lists(
    schools: list[School],
    *,
    today: datetime.date,
    limits: followup.Limits = DEFAULT_LIMITS,
    kept: bool = False,
) -> dict[int, list[Row]]:
    """followup_list of several schools of one state (a cluster's) in the same three
    queries: {school id: rows}. With `kept`, the standings are those the officers' figures
    last worked out (KeptStanding: a cluster's page), not the marks read again."""
    if not schools:
        return {}
    ids = [school.pk for school in schools]
    start = session_start(schools[0], today)
    standings = _kept_standings(ids) if kept else _standings(ids, start, today, limits)

    # The session's follow-ups and their entries in one query: each follow-up has at least
    # one entry (an entry is what opens it). An open one from an earlier session is kept.
    follow_ups: dict[int, FollowUp] = {}
    history: dict[int, list[FollowUpEntry]] = defaultdict(list)
    entries = (
        FollowUpEntry.objects.filter(follow_up__school_id__in=ids)
        .filter(Q(follow_up__is_open=True) | Q(follow_up__opened_on__gte=start))
        .select_related("follow_up", "recorded_by")
        # A history in the order things happened: a phone may send an older entry later.
        .order_by("follow_up__opened_on", "follow_up_id", "on", "captured_at", "received_at", "pk")
    )
    for entry in entries:
        fu = entry.follow_up
        current = follow_ups.get(fu.student_id)
        # The open one wins; among closed ones, the latest opened (the query's order).
        if current is None or current.pk == fu.pk or not current.is_open:
            if current is None or current.pk != fu.pk:
                history[fu.student_id] = []
            follow_ups[fu.student_id] = fu
            history[fu.student_id].append(entry)

    rows: dict[int, list[Row]] = {school_id: [] for school_id in ids}
    students = Student.objects.filter(school_id__in=ids, is_active=True).only(
        "student_id", "name", "gender", "class_no", "section", "school_id", "guardian_mobile"
    )
    if kept:
        students = students.filter(pk__in=sorted(set(standings) | set(follow_ups)))
    nothing = followup.standing_of_months([], limits)
    for student in students:
        s = standings.get(student.pk, nothing)
        found = follow_ups.get(student.pk)
        if s.to_follow_up or (found is not None and found.is_open):
            rows[student.school_id].append(Row(student, s, found, history.get(student.pk, [])))
    for found_rows in rows.values():
        found_rows.sort(key=_worst_first)
    return rows
