"""The meal flags, against the obvious computation on random school days."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from hazari.meals.flags import Flag, Limits, MealDay, school_flags

START = datetime.date(2026, 7, 1)
REASONS = ["", "no_grain", "no_cook", "no_fuel_funds", "local_holiday", "other"]


def day(i: int, **kw) -> MealDay:
    values = {"reported": True, "meals": 40, "reason": "", "present": 45, "enrolled": 50}
    return MealDay(START + datetime.timedelta(days=i), **{**values, **kw})


def codes(flags: list[Flag]) -> list[tuple[str, int]]:
    return [(f.code, f.days) for f in flags]


def test_three_days_without_a_meal_in_a_row_is_a_run():
    days = [day(0), day(1, meals=0, reason="no_cook"), day(2, meals=0, reason="no_cook")]
    days += [day(3, meals=0, reason="no_grain"), day(4)]
    flags = school_flags(days)
    assert ("not_served_run", 3) in codes(flags)
    assert codes(flags).count(("not_served", 1)) == 3
    run = next(f for f in flags if f.code == "not_served_run")
    assert (run.start, run.end) == (days[1].date, days[3].date)


def test_a_holiday_does_not_break_a_run():
    # School days only: the 4th and 5th are a weekend, not in the series.
    days = [day(2, meals=0, reason="other"), day(3, meals=0, reason="other")]
    days += [day(6, meals=0, reason="other")]
    assert ("not_served_run", 3) in codes(school_flags(days))


def test_five_days_in_a_month_not_in_a_row():
    days = [day(i, meals=0, reason="no_fuel_funds") if i % 2 else day(i) for i in range(10)]
    flags = school_flags(days)
    assert ("not_served_month", 5) in codes(flags)
    assert not [f for f in flags if f.code == "not_served_run"]


def test_meals_with_nobody_present_and_meals_equal_to_enrolment():
    flags = school_flags([day(0, present=0, meals=30), day(1, reported=False, meals=5)])
    assert codes(flags) == [("meals_without_attendance", 1)] * 2
    fed = [day(i, meals=50, enrolled=50) for i in range(5)]
    assert codes(school_flags(fed)) == [("meals_equal_enrolment", 5)]
    assert school_flags(fed[:4]) == []


def test_a_school_that_never_records_its_meals_is_flagged():
    # Attendance every day, the meal figure never: one day is enough when it is every day.
    assert codes(school_flags([day(0, meals=None)])) == [("not_recorded", 1)]
    # Two days of five not recorded: below the limit of three, and not every day.
    days = [day(i, meals=None if i < 2 else 30) for i in range(5)]
    assert codes(school_flags(days)) == []
    days = [day(i, meals=None if i < 3 else 30) for i in range(5)]
    assert codes(school_flags(days)) == [("not_recorded", 3)]
    assert codes(school_flags(days, Limits(unrecorded_days=4))) == []
    # Not reported at all, or no classes 1–8: nothing to record.
    assert school_flags([MealDay(START, False, None, "", 0, 50)]) == []
    assert school_flags([MealDay(START, True, None, "", 20, 0)]) == []


def test_limits_are_configurable():
    days = [day(i, meals=0, reason="no_cook") for i in range(2)]
    assert codes(school_flags(days, Limits(run_days=2, month_days=2))) == [
        ("not_served", 1),
        ("not_served_month", 2),
        ("not_served_run", 2),
        ("not_served", 1),
    ]


meal_days = st.lists(
    st.tuples(
        st.integers(0, 3),  # days since the previous school day (0 = the next day)
        st.booleans(),
        st.sampled_from([None, 0, 10, 50]),
        st.sampled_from(REASONS),
        st.sampled_from([0, 20, 50]),
    ),
    max_size=60,
)


def series(raw) -> list[MealDay]:
    days, at = [], START
    for gap, reported, meals, reason, present in raw:
        at += datetime.timedelta(days=gap + 1)
        days.append(MealDay(at, reported, meals, reason, present, 50))
    return days


def brute_force(days: list[MealDay], limits: Limits) -> set[tuple]:
    """Each flag from its definition, checking every stretch of days."""
    out = set()
    n = len(days)
    missed = [d.reported and (bool(d.reason) or d.meals == 0) for d in days]
    fed = [d.reported and d.enrolled > 0 and d.meals == d.enrolled for d in days]
    for i in range(n):
        if missed[i]:
            out.add(("not_served", days[i].date, days[i].date, 1))
        if days[i].meals and (not days[i].reported or days[i].present == 0):
            out.add(("meals_without_attendance", days[i].date, days[i].date, 1))
        for j in range(i, n):
            for code, test, least in (
                ("not_served_run", missed, limits.run_days),
                ("meals_equal_enrolment", fed, limits.same_days),
            ):
                maximal = (i == 0 or not test[i - 1]) and (j == n - 1 or not test[j + 1])
                if all(test[i : j + 1]) and maximal and j - i + 1 >= least:
                    out.add((code, days[i].date, days[j].date, j - i + 1))
    for key in {(d.date.year, d.date.month) for d in days}:
        month = [
            d for d, m in zip(days, missed, strict=True) if m and (d.date.year, d.date.month) == key
        ]
        if len(month) >= limits.month_days:
            out.add(("not_served_month", month[0].date, month[-1].date, len(month)))
    blank = [d for d in days if d.reported and d.enrolled > 0 and d.meals is None and not d.reason]
    meal_days = [d for d in days if d.reported and d.enrolled > 0]
    if blank and (len(blank) >= limits.unrecorded_days or blank == meal_days):
        out.add(("not_recorded", blank[0].date, blank[-1].date, len(blank)))
    return out


@given(
    raw=meal_days,
    run=st.integers(1, 4),
    month=st.integers(1, 6),
    same=st.integers(1, 4),
    unrecorded=st.integers(1, 5),
)
def test_flags_equal_the_brute_force_computation(raw, run, month, same, unrecorded):
    days = series(raw)
    limits = Limits(run_days=run, month_days=month, same_days=same, unrecorded_days=unrecorded)
    flags = school_flags(days, limits)
    assert {(f.code, f.start, f.end, f.days) for f in flags} == brute_force(days, limits)
    assert len(flags) == len(set(flags))
