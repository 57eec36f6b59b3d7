"""A student-wise roll call in a capture (issue 15, item 1): checked against the school's
register of the capture's own day, and turned into the class × gender counts that the rest of
Hazari (rules, receipts, corrections, review, meals, dashboards) already works with.

One entry, both uses: the head master marks children; the counts are derived here from the
marks, with each child's class and gender taken from the register of that day, never from the
phone. A capture marks every child on that day's roll once: present, absent, late or left
early (late and left early count as present). A child on the register but not on the roll is
left unmarked that day — a phone whose copy of the register missed a new admission still sends
its roll call, and an unmarked day never counts as absence (hazari.students.followup).

The register of a day is the current stay of each student (Student: school, class, since) and
the stays that have ended (PastStay), so a roll call that waited in a phone's outbox while a
child was transferred out is still judged as it was taken.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_noop

from hazari.attendance.checks import Problem
from hazari.attendance.models import RollCall
from hazari.attendance.rules import Rules
from hazari.lib import prepared
from hazari.registers.models import Gender, PastStay, Student
from hazari.students.models import Mark

GENDER_INDEX: dict[str, int] = {Gender.BOY: 0, Gender.GIRL: 1, Gender.THIRD_GENDER: 2}
# The lists of a roll, as the API names them, and the mark each stands for.
LISTS = (
    ("present", Mark.PRESENT),
    ("absent", Mark.ABSENT),
    ("late", Mark.LATE),
    ("left_early", Mark.LEFT_EARLY),
)


@dataclass(frozen=True)
class Roll:
    """A roll call: the students (register ids) marked with each mark."""

    present: tuple[int, ...] = ()
    absent: tuple[int, ...] = ()
    late: tuple[int, ...] = ()
    left_early: tuple[int, ...] = ()

    def marks(self) -> list[tuple[int, str]]:
        """(student, mark) for every student marked, in the lists' order."""
        return [(s, mark) for name, mark in LISTS for s in getattr(self, name)]

    def __len__(self) -> int:
        return sum(len(getattr(self, name)) for name, _ in LISTS)

    def as_json(self) -> dict[str, list[int]]:
        """The roll as the capture's content hash sees it: each list sorted."""
        return {name: sorted(getattr(self, name)) for name, _ in LISTS}


@dataclass(frozen=True, slots=True)
class OnRoll:
    class_no: int
    gender: str


def register_of_day(school_id: int, day: datetime.date) -> dict[int, OnRoll]:
    """The school's register on the day: {student id: class and gender}. A student whose
    class changed that day is on both rolls; the current stay wins.

    One statement, written out and prepared once per connection (hazari.lib.prepared): it
    runs on every roll-call upload, where compiling two querysets cost more than all the rest
    of the roll call (docs/benchmarks.md, "Morning rush with a student-wise roll call")."""
    on_roll: dict[int, OnRoll] = {}
    when = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        prepared.execute(
            cursor,
            "hazari_register_of_day",
            _register_sql(),
            [school_id, when, when, school_id, True, when],
        )
        # Ended stays first, then the current ones: a current stay replaces an ended one.
        for pk, class_no, gender, _current in cursor.fetchall():
            on_roll[pk] = OnRoll(class_no, gender)
    return on_roll


def _register_sql() -> str:
    quote = connection.ops.quote_name
    stay, student = PastStay._meta, Student._meta
    p, s = quote(stay.db_table), quote(student.db_table)
    return (
        f"SELECT p.student_id, p.class_no, s.gender, 0 FROM {p} p "  # noqa: S608 (model names)
        f"JOIN {s} s ON s.id = p.student_id "
        "WHERE p.school_id = %s AND p.until >= %s AND (p.since IS NULL OR p.since <= %s) "
        f"UNION ALL SELECT s.id, s.class_no, s.gender, 1 FROM {s} s "
        "WHERE s.school_id = %s AND s.is_active = %s AND (s.since IS NULL OR s.since <= %s) "
        "ORDER BY 4"
    )


def roll_between(school_id: int, first: datetime.date, last: datetime.date) -> list[dict]:
    """Every stay on the school's register on some day from `first` to `last`, for the phone
    to draw each day's roll from: current stays, then ended ones, each by class and name."""
    fields = ("student_id", "name", "gender", "section")
    current = (
        Student.objects.filter(school_id=school_id, is_active=True)
        .filter(Q(since__isnull=True) | Q(since__lte=last))
        .values_list("pk", "class_no", "since", *fields)
    )
    past = (
        PastStay.objects.filter(school_id=school_id, until__gte=first)
        .filter(Q(since__isnull=True) | Q(since__lte=last))
        .values_list("student_id", "class_no", "since", "until", *(f"student__{f}" for f in fields))
    )
    stays = [(pk, class_no, since, None, *rest) for pk, class_no, since, *rest in current]
    stays += list(past)
    stays.sort(key=lambda s: (s[1], s[5], s[0]))
    return [
        {
            "id": pk,
            "student_id": student_id,
            "name": name,
            "gender": gender,
            "class_no": class_no,
            "section": section,
            "since": since,
            "until": until,
        }
        for pk, class_no, since, until, student_id, name, gender, section in stays
    ]


def left_before(school_id: int, day: datetime.date, students: Iterable[int]) -> dict[int, str]:
    """Of these students, those who had left the school's register before the day (moved or
    transferred out): {student id: the last day on it, ISO}."""
    last: dict[int, datetime.date] = {}
    for pk, until in PastStay.objects.filter(
        school_id=school_id, student_id__in=list(students), until__lt=day
    ).values_list("student_id", "until"):
        last[pk] = max(last.get(pk, until), until)
    return {pk: until.isoformat() for pk, until in last.items()}


def check_roll(
    *, school_id: int, day: datetime.date, roll: Roll, taught: range
) -> tuple[list[Problem], dict[int, tuple[int, int, int]]]:
    """The roll's problems, each named by its field, and the counts it gives:
    {class: (boys, girls, third gender) present} for every class the school teaches."""
    problems: list[Problem] = []
    counts = {class_no: [0, 0, 0] for class_no in taught}
    if not len(roll):
        problems.append(
            Problem.of("roll", "empty_roll", gettext_noop("The roll call marks no student."))
        )
        return problems, {}
    on_roll = register_of_day(school_id, day)
    seen: set[int] = set()
    unknown: list[tuple[str, int]] = []
    for name, mark in LISTS:
        for i, student in enumerate(getattr(roll, name)):
            where = f"roll.{name}[{i}]"
            if student in seen:
                problems.append(
                    Problem.of(
                        where,
                        "duplicate",
                        gettext_noop("Student %(student)s is marked twice."),
                        student=student,
                    )
                )
                continue
            seen.add(student)
            found = on_roll.get(student)
            if found is None:
                unknown.append((where, student))
                continue
            if found.class_no not in counts:
                problems.append(
                    Problem.of(
                        where,
                        "unknown_class",
                        gettext_noop("This school does not teach class %(class_no)s."),
                        class_no=found.class_no,
                    )
                )
            elif mark != Mark.ABSENT:
                counts[found.class_no][GENDER_INDEX[found.gender]] += 1
    if unknown:
        left = left_before(school_id, day, (s for _, s in unknown))
        for where, student in unknown:
            if student in left:
                problems.append(
                    Problem.of(
                        where,
                        "transferred_out",
                        gettext_noop(
                            "Student %(student)s left this school's register on %(until)s."
                        ),
                        student=student,
                        until=left[student],
                    )
                )
            else:
                problems.append(
                    Problem.of(
                        where,
                        "not_on_register",
                        gettext_noop(
                            "Student %(student)s is not on this school's register on %(day)s."
                        ),
                        student=student,
                        day=day.isoformat(),
                    )
                )
    return problems, {c: (b, g, t) for c, (b, g, t) in counts.items()}


def mode_of(rules: Rules, *, has_students: bool) -> str:
    """How the school takes attendance: its rules', but a school without a student register
    stays on counts."""
    if rules.roll_call == RollCall.STUDENTS and has_students:
        return RollCall.STUDENTS
    return RollCall.COUNTS
