"""Reading the mid-day meal figures from the dashboards' rollups.

The counts (beneficiaries, meals served, days not served by reason …) are columns of the same
rollup rows as attendance (hazari.dashboards.models.Counts), so the figures of a unit, its
children, a trend or a month come through hazari.dashboards.selectors unchanged. What is
particular to meals is here: which schools have a flag (hazari.meals.flags) over a period.

Finding them never reads an area's every school-day: SchoolDay.meal_flag marks the days that
can make a flag, and partial indexes find an area's marked days (at the state level, a few
per cent of its rows). A day not served, or with meals and no attendance, is a flag by itself;
only "meals equal to enrolment day after day" needs the school's whole series, and is worked
out for the schools with enough such days to make one.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from hazari.dashboards.models import MealFlag, SchoolDay
from hazari.dashboards.periods import Period
from hazari.lib.iters import chunked
from hazari.meals.flags import Flag, Limits, MealDay, not_recorded, school_flags
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit


def _column(unit: OrgUnit) -> str:
    return "school_id" if unit.level == Level.SCHOOL else f"{ANCESTOR_FIELDS[unit.level]}_id"


def _child_column(unit: OrgUnit) -> str:
    """The SchoolDay column naming the unit's children (a cluster's children are schools)."""
    if unit.level >= Level.CLUSTER:
        return "school_id"
    return f"{ANCESTOR_FIELDS[unit.level + 1]}_id"


@dataclass(frozen=True)
class Flagged:
    """A school with at least one flag in the period, and how many flagged days it had (the
    order of the list: the most first)."""

    school_id: int
    child_id: int  # the unit one level below the area's that holds it
    days: int


def flagged(unit: OrgUnit, period: Period, limits: Limits) -> list[Flagged]:
    """Every school under the unit with a flag in the period, the most flagged days first."""
    column, child = _column(unit), _child_column(unit)
    marked = (
        SchoolDay.objects.filter(
            **{column: unit.pk},
            date__gte=period.start,
            date__lte=period.end,
            # Written out so that the planner uses the partial indexes (meal_flag > 0).
            meal_flag__gt=0,
        )
        .order_by()
        .values_list("school_id", child, "meal_flag")
    )
    days: dict[int, int] = defaultdict(int)
    fed_all: dict[int, int] = defaultdict(int)
    unrecorded: dict[int, int] = defaultdict(int)
    children: dict[int, int] = {}
    for school_id, child_id, flag in marked:
        children[school_id] = child_id
        if flag == MealFlag.FED_ALL:
            fed_all[school_id] += 1
        elif flag == MealFlag.NOT_RECORDED:
            unrecorded[school_id] += 1
        else:
            days[school_id] += 1
    # Days without a meal figure make a flag when there are enough of them, or when they are
    # all the school's meal days (it never records its meals): count those of the others.
    few = [s for s, n in unrecorded.items() if n < limits.unrecorded_days]
    every = _meal_days_count(few, period)
    for school_id, n in unrecorded.items():
        # Those not counted have enough days to be flagged whatever their meal days.
        if not_recorded(n, every.get(school_id, n), limits):
            days[school_id] += n
    # Meals equal to enrolment make a flag only as a run: look at the series of the schools
    # with enough such days (and no other flag) to have one.
    maybe = [s for s, n in fed_all.items() if n >= limits.same_days and s not in days]
    for school_id, found in flags_of(maybe, period, limits).items():
        longest = max((f.days for f in found if f.code == "meals_equal_enrolment"), default=0)
        if longest:
            days[school_id] = longest
    return sorted(
        (Flagged(s, children[s], n) for s, n in days.items()), key=lambda f: (-f.days, f.school_id)
    )


def _meal_days_count(school_ids: list[int], period: Period) -> dict[int, int]:
    """{school id: its meal days (reported, with classes 1–8) in the period}."""
    out: dict[int, int] = {}
    for chunk in chunked(school_ids, 500):
        rows = (
            SchoolDay.objects.filter(
                school_id__in=chunk,
                date__gte=period.start,
                date__lte=period.end,
                reported=True,
                meal_enrolled__gt=0,
            )
            .order_by()
            .values("school_id")
            .annotate(n=Count("*"))
            .values_list("school_id", "n")
        )
        out.update(rows)
    return out


def exceptions_by_child(unit: OrgUnit, period: Period, limits: Limits) -> dict[int, int]:
    """{child unit id: how many of its schools have a flag in the period}."""
    out: dict[int, int] = defaultdict(int)
    for f in flagged(unit, period, limits):
        out[f.child_id] += 1
    return dict(out)


def meal_days(school_ids: Iterable[int], period: Period) -> dict[int, list[MealDay]]:
    """Each school's school-days in the period as the flags see them, in date order."""
    ids = sorted(set(school_ids))
    out: dict[int, list[MealDay]] = {i: [] for i in ids}
    # Chunks of ids: well under SQLite's limit of variables in one statement.
    for i in range(0, len(ids), 500):
        rows = (
            SchoolDay.objects.filter(
                school_id__in=ids[i : i + 500], date__gte=period.start, date__lte=period.end
            )
            .order_by("school_id", "date")
            .values_list(
                "school_id",
                "date",
                "reported",
                "meals_served",
                "meals_reason",
                "meal_present",
                "meal_enrolled",
            )
        )
        for school_id, day, reported, meals, reason, present, enrolled in rows:
            out[school_id].append(MealDay(day, reported, meals, reason, present, enrolled))
    return out


def flags_of(school_ids: Iterable[int], period: Period, limits: Limits) -> dict[int, list[Flag]]:
    """{school id: its flags in the period} for the given schools (those with none left out)."""
    found = {s: school_flags(days, limits) for s, days in meal_days(school_ids, period).items()}
    return {s: f for s, f in found.items() if f}


@dataclass(frozen=True)
class SchoolMealDay:
    """One school-day of one school as the school's meal page shows it."""

    day: datetime.date
    reported: bool
    held: bool
    present: int
    meals: int | None
    reason: str


def school_meal_days(school_id: int, period: Period) -> dict[datetime.date, SchoolMealDay]:
    rows = SchoolDay.objects.filter(
        school_id=school_id, date__gte=period.start, date__lte=period.end
    ).values_list("date", "reported", "held", "meal_present", "meals_served", "meals_reason")
    return {r[0]: SchoolMealDay(*r) for r in rows}
