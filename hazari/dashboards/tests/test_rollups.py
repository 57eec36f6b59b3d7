"""Every rollup row equals the brute-force computation from the raw tables (tests/brute.py),
on random attendance: captures on time and late, corrected, offline for days, held and then
approved or dismissed, closures and working days entered afterwards, enrolment changed, and
refreshes at random moments in between."""

import datetime
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from hazari.attendance.models import RuleSet
from hazari.dashboards import refresh
from hazari.dashboards.figures import school_day_sums
from hazari.dashboards.models import (
    COUNT_FIELDS,
    ClassMonth,
    RefreshState,
    SchoolDay,
    SchoolMonth,
    UnitClassMonth,
    UnitDay,
)
from hazari.dashboards.periods import Period
from hazari.dashboards.tests import brute, scenario
from hazari.lib.memo import Memo
from hazari.meals import selectors as meal_selectors
from hazari.meals.flags import Limits, school_flags
from hazari.orgunits.models import Level
from hazari.testing import build_world

NOW = scenario.at(scenario.TODAY, "18:00")
LAST = scenario.TODAY


def stored(start, end):
    # Each SchoolDay row in the shape of the counts, through the same aggregates the pages
    # use on SchoolDay rows (figures.school_day_sums): one school-day each.
    school_days = {
        (r["school_id"], r["date"]): {f: int(cast(dict, r)[f]) for f in COUNT_FIELDS}
        for r in SchoolDay.objects.filter(date__gte=start, date__lte=end)
        .values("school_id", "date")
        .annotate(**school_day_sums())
        .order_by()
    }
    unit_days = {
        (r["unit_id"], r["date"]): {f: r[f] for f in COUNT_FIELDS}
        for r in UnitDay.objects.filter(date__gte=start, date__lte=end).values(
            "unit_id", "date", *COUNT_FIELDS
        )
    }
    months = {(r["school_id"], r["month"]): r for r in SchoolMonth.objects.values()}
    return school_days, unit_days, months


# Tighter than the defaults, so that the short random histories make runs.
LIMITS = [Limits(), Limits(run_days=2, month_days=3, same_days=2)]


def check_meal_flags(test, w) -> None:
    """The schools the meal reports flag (found through the rollups' marked days) are those
    whose raw series the flags' definitions flag, for the state and for each district."""
    period = Period("week", scenario.START, LAST)
    series = {s.pk: brute.meal_series(s, scenario.START, LAST) for s in w.schools}
    for limits in LIMITS:
        truth = {pk for pk, days in series.items() if school_flags(days, limits)}
        found = {f.school_id for f in meal_selectors.flagged(w.state, period, limits)}
        test.assertEqual(found, truth, limits)
        for district in (w.district_a, w.district_b):
            by_block = meal_selectors.exceptions_by_child(district, period, limits)
            expected: dict[int, int] = {}
            for s in w.schools:
                if s.pk in truth and s.unit.district_id == district.pk:
                    expected[s.unit.block_id] = expected.get(s.unit.block_id, 0) + 1
            test.assertEqual(by_block, expected)


CLASS_COLUMNS = [
    "class_no",
    "days",
    "enrolled_boys",
    "enrolled_girls",
    "enrolled_third",
    "present_boys",
    "present_girls",
    "present_third",
]


def class_rows(model, **where) -> dict:
    """ClassMonth or UnitClassMonth rows, by class."""
    return {r["class_no"]: r for r in model.objects.filter(**where).values(*CLASS_COLUMNS)}


def check(test, w, truth):
    school_days, unit_days, months = truth
    check_meal_flags(test, w)
    got_days, got_units, got_months = stored(scenario.START, LAST)
    test.assertEqual(got_days, school_days)
    test.assertEqual(got_units, unit_days)
    # The rollups begin on the window's first day, so July's rows hold the window's days.
    july = datetime.date(2026, 7, 1)
    test.assertEqual({k: {f: v[f] for f in COUNT_FIELDS} for k, v in got_months.items()}, months)
    days = [scenario.START + datetime.timedelta(days=i) for i in range(scenario.DAYS + 1)]
    expected_classes = {s.pk: brute.class_month(s, july, days) for s in w.schools}
    for unit in w.units:
        if unit.level == Level.SCHOOL:
            continue
        mine = [s for s in w.schools if unit.pk in (s.unit.pk, *s.unit.ancestor_ids())]
        total: dict = {}
        for s in mine:
            for class_no, row in expected_classes[s.pk].items():
                into = total.setdefault(class_no, dict.fromkeys(row, 0) | {"class_no": class_no})
                for k, v in row.items():
                    if k != "class_no":
                        into[k] += v
        test.assertEqual(class_rows(UnitClassMonth, unit_id=unit.pk, month=july), total, unit)
    for school in w.schools:
        row = got_months.get((school.pk, july))
        if row is not None:
            expected = brute.month_extremes(school, july, days)
            test.assertEqual({k: row[k] for k in expected}, expected)
        test.assertEqual(
            class_rows(ClassMonth, school_id=school.pk, month=july),
            brute.class_month(school, july, days),
        )


class RollupsEqualBruteForce(TestCase):
    w: Any

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        scenario.prepare(cls.w)
        # Block Y accepts a day's attendance received after its cut-off as late; the others
        # hold it for review (the default): both kinds are counted.
        RuleSet.objects.create(unit=cls.w.block_y, after_close="late")

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(events=scenario.events)
    def test_incremental_refreshes_equal_brute_force(self, events):
        Memo.clear_all()
        # The rollups begin on the window's first day (not the session's: fewer days to test).
        RefreshState.objects.update_or_create(pk=1, defaults={"days_from": scenario.START})
        refresh.refresh(now=scenario.at(scenario.START, "08:00"))
        for event in events:
            scenario.apply(self.w, event, lambda: refresh.refresh(now=NOW))
        refresh.refresh(now=NOW)
        truth = brute.truth(self.w.schools, scenario.START, LAST)
        check(self, self.w, truth)
        # Rebuilt from nothing, the same.
        SchoolDay.objects.all().delete()
        UnitDay.objects.all().delete()
        SchoolMonth.objects.all().delete()
        ClassMonth.objects.all().delete()
        UnitClassMonth.objects.all().delete()
        refresh.rebuild(start=scenario.START, now=NOW)
        check(self, self.w, truth)
