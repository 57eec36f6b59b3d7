"""The figures the dashboards show, and how each is computed (the pages say the same, in both
languages: templates/dashboards/how.html, and docs/decisions.md, "Dashboards").

Every figure of an area over a period is a ratio of sums over its school-days: the days in the
period on which a school of the area was open (closed days, weekly offs and holidays are not
school-days at all). A school-day is reported when the school's day record has a current
version (a held version counts only once an officer approves it; a correction replaces the
earlier figures).

* attendance % = children present ÷ children enrolled, summed over the reported school-days;
  boys %, girls % alike for each gender. Enrolled is the school's register for the day's
  academic year (all its classes).
* reporting % = school-days reported ÷ school-days open.
* on time % = school-days whose first report came within the on-time window (by default
  between the school's start time and an hour after it, and between 10:00 and 14:00;
  hazari.attendance.rules) ÷ school-days open. Late = reported, but not on time.
* teachers present % = staff marked present (P) ÷ staff marked (present, absent, on leave, on
  official duty), over the reported school-days.
* change = this period's % − the previous period's %, in percentage points.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Case, Count, IntegerField, Sum, Value, When

from hazari.dashboards.models import COUNT_FIELDS


def percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    schools_open: int = 0
    reported: int = 0
    on_time: int = 0
    held: int = 0
    enrolled_boys: int = 0
    enrolled_girls: int = 0
    enrolled_third: int = 0
    present_boys: int = 0
    present_girls: int = 0
    present_third: int = 0
    staff_marked: int = 0
    staff_present: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any] | None) -> "Figures":
        if not row:
            return cls()
        return cls(**{f: int(row.get(f) or 0) for f in COUNT_FIELDS})

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def enrolled(self) -> int:
        return self.enrolled_boys + self.enrolled_girls + self.enrolled_third

    @property
    def present(self) -> int:
        return self.present_boys + self.present_girls + self.present_third

    @property
    def attendance(self) -> float | None:
        return percent(self.present, self.enrolled)

    @property
    def boys(self) -> float | None:
        return percent(self.present_boys, self.enrolled_boys)

    @property
    def girls(self) -> float | None:
        return percent(self.present_girls, self.enrolled_girls)

    @property
    def third(self) -> float | None:
        return percent(self.present_third, self.enrolled_third)

    @property
    def reporting(self) -> float | None:
        return percent(self.reported, self.schools_open)

    @property
    def on_time_share(self) -> float | None:
        return percent(self.on_time, self.schools_open)

    @property
    def late(self) -> int:
        return self.reported - self.on_time

    @property
    def not_reported(self) -> int:
        """Open, and nothing counts yet (held ones are counted apart)."""
        return self.schools_open - self.reported - self.held

    @property
    def staff(self) -> float | None:
        return percent(self.staff_present, self.staff_marked)


def change(now: float | None, before: float | None) -> float | None:
    """Percentage points between two percentages; None when either is missing."""
    return None if now is None or before is None else now - before


def sums() -> dict:
    """Aggregates of the counts over rows of UnitDay or SchoolMonth."""
    return {f: Sum(f) for f in COUNT_FIELDS}


def _flag(name: str) -> Sum:
    return Sum(
        Case(When(**{name: True}, then=Value(1)), default=Value(0)), output_field=IntegerField()
    )


def school_day_sums() -> dict:
    """The same aggregates over SchoolDay rows (one row per school-day, flags as booleans)."""
    out: dict = {f: Sum(f) for f in COUNT_FIELDS[4:]}
    out.update(
        schools_open=Count("*"),
        reported=_flag("reported"),
        on_time=_flag("on_time"),
        held=_flag("held"),
    )
    return out
