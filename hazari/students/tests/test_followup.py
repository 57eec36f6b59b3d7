"""Who needs following up, against the rules computed the obvious way."""

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from hazari.students.followup import CHRONIC, SEVERE, Limits, standing, standing_of_months
from hazari.students.marks import Month
from hazari.students.selectors import days_between, months_between

START = datetime.date(2026, 7, 1)


def days(pattern: str):
    """'PPA.' → (day, present) for P and A; a '.' is a day not marked (a holiday)."""
    out, at = [], START
    for ch in pattern:
        if ch in "PA":
            out.append((at, ch == "P"))
        at += datetime.timedelta(days=1)
    return out


def test_three_absent_in_a_row_up_to_today():
    s = standing(days("PPPPPPPPPPAAA"))
    assert s.absent_in_a_row == 3 and "in_a_row" in s.reasons and s.to_follow_up


def test_holidays_and_days_before_admission_are_not_absence():
    # Absent, a holiday, absent, absent: still three in a row; nothing before admission.
    s = standing(days("....PPPPPPPPPPA.AA"))
    assert (s.days_marked, s.days_absent, s.absent_in_a_row) == (13, 3, 3)
    assert s.tier == SEVERE  # 3 of 13 missed: 23 %


def test_tiers_at_their_edges():
    assert standing(days("P" * 27 + "A" * 3)).tier == CHRONIC  # 10 % exactly
    assert standing(days("P" * 28 + "A" * 2)).tier is None
    assert standing(days("P" * 24 + "A" * 6)).tier == SEVERE  # 20 % exactly
    assert standing([]).tier is None and not standing([]).to_follow_up


def test_below_the_threshold_over_the_last_30_days_only():
    # A good session, then a bad month: 60 of 90 present overall is not below 75 %...
    pattern = "P" * 60 + ("PA" * 15)
    s = standing(days(pattern))
    assert s.attendance is not None and s.attendance > 75
    # ... but 15 of the last 30 is.
    assert s.reasons == ("below_threshold",) and s.recent_absent == 15


@given(
    marks=st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=80),
    run=st.integers(1, 5),
    threshold=st.sampled_from([50.0, 75.0, 90.0]),
    recent=st.integers(1, 40),
)
def test_standing_equals_the_obvious_computation(marks, run, threshold, recent):
    series, at = [], START
    for gap, present in marks:
        at += datetime.timedelta(days=gap + 1)
        series.append((at, present))
    limits = Limits(run_days=run, threshold=threshold, recent_days=recent)
    s = standing(reversed(series), limits)  # any order in
    absent = [not p for _d, p in series]
    trailing = 0
    while trailing < len(absent) and absent[len(absent) - 1 - trailing]:
        trailing += 1
    last = absent[-recent:]

    def below(xs):
        return bool(xs) and Fraction(xs.count(False) * 100, len(xs)) < Fraction(threshold)

    expected = []
    if trailing >= run:
        expected.append("in_a_row")
    if below(absent) or below(last):
        expected.append("below_threshold")
    assert s.reasons == tuple(expected)
    assert (s.days_marked, s.days_absent, s.absent_in_a_row) == (
        len(series),
        sum(absent),
        trailing,
    )
    missed = Fraction(sum(absent) * 100, len(series)) if series else None
    tier = None if missed is None else SEVERE if missed >= 20 else CHRONIC if missed >= 10 else None
    assert s.tier == tier


def days_and_months(marks) -> tuple[list[tuple[datetime.date, bool]], dict[datetime.date, Month]]:
    """(gap, present) pairs from START as (day, present) pairs, and the same as months."""
    series, at = [], START
    for gap, present in marks:
        at += datetime.timedelta(days=gap + 1)
        series.append((at, present))
    months: dict[datetime.date, Month] = {}
    for day, present in series:
        first = day.replace(day=1)
        months[first] = months.get(first, Month(first)).mark(day, present=present)
    return series, months


@given(
    marks=st.lists(st.tuples(st.integers(0, 4), st.booleans()), max_size=120),
    run=st.integers(1, 5),
    recent=st.integers(0, 45),
)
def test_the_standing_of_months_is_the_standing_of_their_days(marks, run, recent):
    limits = Limits(run_days=run, recent_days=recent)
    series, months = days_and_months(marks)
    assert standing_of_months(months.values(), limits) == standing(series, limits)


@given(
    marks=st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=0, max_size=150),
    start_after=st.integers(0, 100),
    end_before=st.integers(0, 100),
)
def test_a_window_of_months_is_the_window_of_their_days(marks, start_after, end_before):
    """selectors.months_between keeps exactly the days days_between keeps, so the list's
    standing from bits is its standing from days."""
    series, months = days_and_months(marks)
    ordered = sorted(months.values(), key=lambda m: m.first)
    start = START + datetime.timedelta(days=start_after)
    end = (series[-1][0] if series else START) - datetime.timedelta(days=end_before)
    kept = months_between(ordered, start, end)
    days = days_between(ordered, start, end)
    assert [d for m in kept for d in m.days()] == days
    assert standing_of_months(kept) == standing(days)
