"""Is a capture's content right for its school and day? Every mistake is named by field.

Every class the school teaches, each once, with 0 ≤ present ≤ enrolled for each gender; every
staff member posted at the school that day, each once, with a known status; meals (PM
POSHAN, classes 1–8 only) served, or none served and why; a reason of at most 300
characters. The school's enrolment for the year and its postings on the day come in one
query (`school_day_facts`).
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.utils.translation import gettext_noop

from hazari.attendance.models import MealsNotServed, StaffStatus
from hazari.lib import prepared
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import SchoolFacts
from hazari.registers.models import Enrolment, academic_year_of
from hazari.staff.models import Posting

if TYPE_CHECKING:
    from hazari.attendance.services import CaptureIn

REASON_MAX = 300
MEALS_NOTE_MAX = 200
MEAL_CLASSES = range(1, 9)  # PM POSHAN: classes 1 to 8
GENDERS = ("boys", "girls", "third_gender")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message_hi: str
    message_en: str

    @classmethod
    def of(cls, field_: str, code: str, message: str, **params: object) -> "Problem":
        hindi, english = in_both_languages(message, **params)
        return cls(field_, code, hindi, english)


@dataclass(frozen=True, slots=True)
class SchoolDay:
    """What the checks need to know of a school on a day."""

    enrolled: dict[int, tuple[int, int, int]]  # class → boys, girls, third gender
    posted: frozenset[int]  # posting ids in force that day


def school_day_facts(school_id: int, day: datetime.date) -> SchoolDay:
    """The school's enrolment for the day's academic year and its postings in force that day,
    in one query (this runs for every upload)."""
    quote = connection.ops.quote_name
    e, p = Enrolment._meta, Posting._meta
    sql = (
        f"SELECT class_no, boys, girls, third_gender FROM {quote(e.db_table)} "  # noqa: S608
        "WHERE school_id = %s AND academic_year = %s "
        f"UNION ALL SELECT -id, 0, 0, 0 FROM {quote(p.db_table)} "
        "WHERE school_id = %s AND start_date <= %s AND (end_date IS NULL OR end_date >= %s)"
    )
    when = connection.ops.adapt_datefield_value(day)
    enrolled: dict[int, tuple[int, int, int]] = {}
    posted: set[int] = set()
    with connection.cursor() as cursor:
        params = [school_id, academic_year_of(day), school_id, when, when]
        prepared.execute(cursor, "hazari_school_day", sql, params)
        for key, boys, girls, third in cursor.fetchall():
            # Classes are 1–12 and posting ids positive: the sign tells the two apart.
            if key > 0:
                enrolled[key] = (boys, girls, third)
            else:
                posted.add(-key)
    return SchoolDay(enrolled, frozenset(posted))


def check_content(
    *, school: SchoolFacts, day: SchoolDay, data: "CaptureIn", counts_from_roll: bool = False
) -> list[Problem]:
    """Every class the school teaches, each once, 0 <= present <= enrolled; every staff member
    posted there that day, each once, with a known status.

    Counts derived from a roll call are not held to the enrolment counts: each child present
    is a named child on the register of that day, and the register, not the head master,
    would be what disagrees with the enrolment figures."""
    problems: list[Problem] = []

    def report(field_: str, code: str, message: str, **params: object) -> None:
        problems.append(Problem.of(field_, code, message, **params))

    _check_classes(school, day, data, report, enrolled=not counts_from_roll)
    _check_staff(day, data, report)
    _check_meals(school, data, report)
    if len(data.reason) > REASON_MAX:
        report("reason", "too_long", gettext_noop("The reason has at most 300 characters."))
    return problems


def _check_meals(school: SchoolFacts, data: "CaptureIn", report) -> None:
    """A school with classes 1–8 says how many meals it served, or that it served none and
    why ("other" with a note). Above the students present is judged with the time (a rule:
    rejected or held). A school without those classes sends no meal figures."""
    served, why, note = data.meals_served, data.meals_reason, data.meals_note.strip()
    if not any(c in MEAL_CLASSES for c in school.classes):
        if served is not None or why:
            report(
                "meals_served",
                "no_meal_classes",
                gettext_noop("This school has no classes 1–8: it serves no mid-day meal."),
            )
        return
    if served is not None and served < 0:
        report("meals_served", "negative", gettext_noop("A count cannot be below 0."))
    if why and why not in MealsNotServed.values:
        report("meals_reason", "bad_reason", gettext_noop("Choose a reason from the list."))
    elif why and served:
        report(
            "meals_reason",
            "reason_with_meals",
            gettext_noop("Give a reason only when no meal was served."),
        )
    elif served == 0 and not why:
        report(
            "meals_reason",
            "reason_missing",
            gettext_noop("No meal was served: choose the reason."),
        )
    if why == MealsNotServed.OTHER and not note:
        report("meals_note", "note_missing", gettext_noop("Write what the reason was."))
    if len(note) > MEALS_NOTE_MAX:
        report(
            "meals_note",
            "too_long",
            gettext_noop("The note has at most %(limit)s characters."),
            limit=MEALS_NOTE_MAX,
        )


def _check_classes(
    school: SchoolFacts, day: SchoolDay, data: "CaptureIn", report, *, enrolled: bool
) -> None:
    taught = school.classes
    seen: set[int] = set()
    unknown = False
    for i, c in enumerate(data.classes):
        where = f"classes[{i}]"
        if c.class_no not in taught:
            unknown = True
            report(
                f"{where}.class_no",
                "unknown_class",
                gettext_noop("This school does not teach class %(class_no)s."),
                class_no=c.class_no,
            )
            continue
        if c.class_no in seen:
            report(
                f"{where}.class_no",
                "duplicate_class",
                gettext_noop("Class %(class_no)s is given twice."),
                class_no=c.class_no,
            )
        seen.add(c.class_no)
        row = day.enrolled.get(c.class_no, (0, 0, 0))
        for gender, present, limit in zip(
            GENDERS, (c.boys, c.girls, c.third_gender), row, strict=True
        ):
            if present < 0:
                report(f"{where}.{gender}", "negative", gettext_noop("A count cannot be below 0."))
            elif enrolled and present > limit:
                report(
                    f"{where}.{gender}",
                    "more_than_enrolled",
                    gettext_noop(
                        "Class %(class_no)s: %(present)s present but only %(enrolled)s enrolled."
                    ),
                    class_no=c.class_no,
                    present=present,
                    enrolled=limit,
                )
    if not unknown:
        for class_no in taught:
            if class_no not in seen:
                report(
                    "classes",
                    "missing_class",
                    gettext_noop("Class %(class_no)s is missing."),
                    class_no=class_no,
                )


def _check_staff(day: SchoolDay, data: "CaptureIn", report) -> None:
    posted = day.posted
    marked: set[int] = set()
    for i, s in enumerate(data.staff):
        where = f"staff[{i}]"
        if s.posting_id not in posted:
            report(
                f"{where}.posting_id",
                "not_posted",
                gettext_noop("This person is not posted at the school on that day."),
            )
        elif s.posting_id in marked:
            report(
                f"{where}.posting_id",
                "duplicate_staff",
                gettext_noop("This person is marked twice."),
            )
        if s.status not in StaffStatus.values:
            report(
                f"{where}.status", "bad_status", gettext_noop("The status must be P, A, L or D.")
            )
        marked.add(s.posting_id)
    if posted - marked:
        report(
            "staff",
            "missing_staff",
            gettext_noop("%(count)s posted staff members are not marked."),
            count=len(posted - marked),
        )
