"""Mid-day meal flags for officers: which schools' meal reports need a look, and why.

Pure functions over one school's school days, in date order — the days it was open; holidays
and closures are not in the series, so they neither break nor extend a run. The dashboards'
rollups give these series (hazari.dashboards); the rules are here, in one place:

* `not_served` — a school day on which the school reported no meal served (0, with a reason).
* `not_served_run` — at least `run_days` such days in a row (default 3).
* `not_served_month` — at least `month_days` such days in one calendar month (default 5).
* `meals_without_attendance` — meals reported on a day with no child present in classes 1–8,
  or with no attendance at all (a capture held for review).
* `meals_equal_enrolment` — meals equal to the enrolment of classes 1–8 on at least
  `same_days` reported days in a row (default 5): every child fed, every day, is a report to
  check, as is attendance at 100 % day after day.
* `not_recorded` — attendance reported on a meal day with no meal figure (neither meals served
  nor a reason for none), on at least `unrecorded_days` days of the period (default 3), or on
  every meal day of it: a school that never records its meals is one to ask, not one with
  nothing wrong.
"""

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MealDay:
    date: datetime.date
    reported: bool  # the day's attendance reached the reports (a current version)
    meals: int | None  # meals served; None: not recorded
    reason: str  # why none was served ("" when served or not recorded)
    present: int  # children present in classes 1–8
    enrolled: int  # children enrolled in classes 1–8

    @property
    def not_served(self) -> bool:
        return self.reported and (bool(self.reason) or self.meals == 0)

    @property
    def meal_day(self) -> bool:
        """Reported by a school with children in classes 1–8."""
        return self.reported and self.enrolled > 0

    @property
    def unrecorded(self) -> bool:
        return self.meal_day and self.meals is None and not self.reason


@dataclass(frozen=True, slots=True)
class Limits:
    run_days: int = 3
    month_days: int = 5
    same_days: int = 5
    unrecorded_days: int = 3


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    start: datetime.date
    end: datetime.date
    days: int


def school_flags(days: Sequence[MealDay], limits: Limits = Limits()) -> list[Flag]:
    """Every flag of one school over its school days (in date order), earliest first."""
    flags = [Flag("not_served", d.date, d.date, 1) for d in days if d.not_served]
    flags += [
        Flag("not_served_run", run[0].date, run[-1].date, len(run))
        for run in _runs(days, lambda d: d.not_served)
        if len(run) >= limits.run_days
    ]
    for month in _months(days):
        missed = [d for d in month if d.not_served]
        if len(missed) >= limits.month_days:
            flags.append(Flag("not_served_month", missed[0].date, missed[-1].date, len(missed)))
    flags += [
        Flag("meals_without_attendance", d.date, d.date, 1)
        for d in days
        if d.meals and (not d.reported or d.present == 0)
    ]
    flags += [
        Flag("meals_equal_enrolment", run[0].date, run[-1].date, len(run))
        for run in _runs(days, _fed_everyone)
        if len(run) >= limits.same_days
    ]
    unrecorded = [d for d in days if d.unrecorded]
    if not_recorded(len(unrecorded), sum(d.meal_day for d in days), limits):
        flags.append(Flag("not_recorded", unrecorded[0].date, unrecorded[-1].date, len(unrecorded)))
    return sorted(flags, key=lambda f: (f.start, f.code, f.end))


def not_recorded(unrecorded: int, meal_days: int, limits: Limits) -> bool:
    """Whether a school's meal days without a meal figure (of its meal days in the period)
    make the `not_recorded` flag: enough of them, or all of them."""
    return unrecorded > 0 and (unrecorded >= limits.unrecorded_days or unrecorded == meal_days)


def _fed_everyone(day: MealDay) -> bool:
    return day.reported and day.enrolled > 0 and day.meals == day.enrolled


def _runs(days: Sequence[MealDay], test: Callable[[MealDay], bool]) -> Iterator[list[MealDay]]:
    """The longest stretches of consecutive school days that pass the test."""
    run: list[MealDay] = []
    for day in days:
        if test(day):
            run.append(day)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _months(days: Sequence[MealDay]) -> Iterator[list[MealDay]]:
    month: list[MealDay] = []
    for day in days:
        if month and (day.date.year, day.date.month) != (month[0].date.year, month[0].date.month):
            yield month
            month = []
        month.append(day)
    if month:
        yield month
