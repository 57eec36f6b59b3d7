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

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from hazari.attendance.models import Arrival
from hazari.dashboards.models import COUNT_FIELDS, NOT_SERVED_FIELDS, MealFlag


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
    meal_days: int = 0
    meal_enrolled: int = 0
    meal_present: int = 0
    meals_served: int = 0
    meal_days_served: int = 0
    meal_days_unrecorded: int = 0
    not_served_no_grain: int = 0
    not_served_no_cook: int = 0
    not_served_no_fuel_funds: int = 0
    not_served_local_holiday: int = 0
    not_served_other: int = 0
    meal_days_no_attendance: int = 0
    meal_days_fed_all: int = 0
    meal_present_recorded: int = 0
    late_offline: int = 0
    after_close: int = 0
    after_close_held: int = 0

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

    # --- Mid-day meals (hazari.meals) ---

    @property
    def meal_days_not_served(self) -> int:
        return sum(getattr(self, f) for f in NOT_SERVED_FIELDS.values())

    # A meal day without a meal figure is not a day on which nobody ate: the meal figures
    # compare the days with one, and the others are counted apart ("not recorded").

    @property
    def meal_days_recorded(self) -> int:
        return self.meal_days - self.meal_days_unrecorded

    @property
    def meal_present_unrecorded(self) -> int:
        """Beneficiaries on the meal days without a meal figure."""
        return self.meal_present - self.meal_present_recorded

    @property
    def meals_short(self) -> int:
        """Beneficiaries less meals served, over the meal days with a meal figure."""
        return self.meal_present_recorded - self.meals_served

    @property
    def meals_share(self) -> float | None:
        """Meals served ÷ beneficiaries, over the meal days with a meal figure."""
        return percent(self.meals_served, self.meal_present_recorded)

    @property
    def meal_days_served_share(self) -> float | None:
        """Days a meal was served ÷ meal days with a meal figure."""
        return percent(self.meal_days_served, self.meal_days_recorded)


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
    """The same aggregates over SchoolDay rows (one row per school-day, flags as booleans).
    In the order Django resolves them: an aggregate's name hides the column of the same name
    from the aggregates after it, so those that read columns come first."""
    out: dict = _meal_sums()
    out.update(
        late_offline=_days(Q(reported=True, arrival=Arrival.LATE_OFFLINE)),
        after_close=_days(Q(reported=True, arrival=Arrival.AFTER_CLOSE)),
        after_close_held=_days(Q(held=True, arrival=Arrival.AFTER_CLOSE)),
    )
    out.update({f: Sum(f) for f in COUNT_FIELDS[4:] if f not in out})
    out.update(
        schools_open=Count("*"),
        reported=_flag("reported"),
        on_time=_flag("on_time"),
        held=_flag("held"),
    )
    return out


def _days(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=Value(1)), default=Value(0)), output_field=IntegerField())


def _meal_sums() -> dict:
    """The meal counts over SchoolDay rows: the ORM's form of rollup.MEAL_SUMS_SQL."""
    meal_day = Q(reported=True, meal_enrolled__gt=0)
    out: dict = {
        "meal_days": _days(meal_day),
        "meal_days_served": _days(meal_day & Q(meals_served__gt=0)),
        "meal_days_unrecorded": _days(meal_day & Q(meals_served__isnull=True, meals_reason="")),
        "meal_days_no_attendance": _days(Q(meal_flag=MealFlag.NO_ATTENDANCE)),
        "meal_days_fed_all": _days(meal_day & Q(meals_served=F("meal_enrolled"))),
        "meal_present_recorded": Sum(
            Case(
                When(meal_day & Q(meals_served__isnull=False), then=F("meal_present")),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
    }
    for reason, field in NOT_SERVED_FIELDS.items():
        out[field] = _days(Q(reported=True, meals_reason=reason))
    # Last: the others read the column this one's name hides.
    out["meals_served"] = Sum(
        Case(
            When(reported=True, meals_served__isnull=False, then=F("meals_served")),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    return out
