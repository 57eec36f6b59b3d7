"""What the pages show equals the brute-force computation (tests/brute.py) on random
attendance: each unit's figures for a day, a week and a month, its children's, every school's,
the trend, the weak and implausible lists, and a school's class-wise figures."""

import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from hazari.dashboards import refresh, selectors
from hazari.dashboards.figures import Figures
from hazari.dashboards.models import COUNT_FIELDS, RefreshState
from hazari.dashboards.periods import DAY, MONTH, WEEK, Period
from hazari.dashboards.tests import brute, scenario
from hazari.lib.memo import Memo
from hazari.orgunits.models import Level, OrgUnit
from hazari.testing import build_world

NOW = scenario.at(scenario.TODAY, "18:00")


def _pct(c: dict) -> float | None:
    enrolled = c["enrolled_boys"] + c["enrolled_girls"] + c["enrolled_third"]
    present = c["present_boys"] + c["present_girls"] + c["present_third"]
    return 100 * present / enrolled if enrolled else None


def counts(f: Figures) -> dict:
    return {k: getattr(f, k) for k in COUNT_FIELDS}


class PagesEqualBruteForce(TestCase):
    w: Any

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        scenario.prepare(cls.w)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        events=scenario.events,
        kind=__import__("hypothesis").strategies.sampled_from([DAY, WEEK, MONTH]),
        offset=__import__("hypothesis").strategies.integers(0, scenario.DAYS),
    )
    def test_figures_equal_brute_force(self, events, kind, offset):
        Memo.clear_all()
        RefreshState.objects.update_or_create(pk=1, defaults={"days_from": scenario.START})
        for event in events:
            scenario.apply(self.w, event, lambda: refresh.refresh(now=NOW))
        refresh.refresh(now=NOW)
        w = self.w
        school_days, _, _ = brute.truth(w.schools, scenario.START, scenario.TODAY)
        day = scenario.START + datetime.timedelta(days=offset)
        under = {
            u.pk: {s.pk for s in w.schools if u.pk in (s.pk, *s.unit.ancestor_ids())}
            for u in w.units
        }
        for unit in w.units:
            period, before = selectors.periods(unit, Period.of(kind, day, scenario.TODAY))
            now, then = selectors.totals(unit, period, before)
            self.assertEqual(counts(now), brute.area(school_days, under[unit.pk], period.days))
            self.assertEqual(counts(then), brute.area(school_days, under[unit.pk], before.days))
            if period.kind == DAY and before.start >= scenario.START:
                # The day compared with is the last one before with a school of the unit open.
                opened = [d for (s, d) in school_days if s in under[unit.pk] and d < day]
                self.assertEqual(before.start, max(opened, default=before.start))
            kids = OrgUnit.objects.children_of(unit).order_by("pk")
            for row in selectors.children(kids, unit, period, before):
                self.assertEqual(
                    counts(row.now), brute.area(school_days, under[row.unit.pk], period.days)
                )
                self.assertEqual(
                    counts(row.before), brute.area(school_days, under[row.unit.pk], before.days)
                )
            rows = selectors.schools(unit, period)
            expected = {
                s: brute.area(school_days, {s}, period.days)
                for s in under[unit.pk]
                if any((s, d) in school_days for d in period.days)
            }
            self.assertEqual({r.unit.pk: counts(r.now) for r in rows}, expected)
            pcts = [r.now.attendance for r in rows if r.now.attendance is not None]
            self.assertEqual(pcts, sorted(pcts))
            weak = {r.unit.pk for r in selectors.schools(unit, period, below=60)}
            below = {s for s, c in expected.items() if (p := _pct(c)) is not None and p < 60}
            self.assertEqual(weak, below)
            for d, figs in selectors.trend(unit, scenario.TODAY, days=scenario.DAYS + 1):
                if any((s, d) in school_days for s in under[unit.pk]):
                    self.assertEqual(counts(figs), brute.area(school_days, under[unit.pk], [d]))
                else:
                    self.assertIsNone(figs)
            self._check_implausible(unit, period, school_days, under[unit.pk])
            if unit.level == Level.SCHOOL:
                self._check_classes(unit.school, period)

    def _check_implausible(self, unit, period, school_days, schools):
        found = {
            s.unit.pk: (s.same_counts, s.always_full) for s in selectors.implausible(unit, period)
        }
        expected = {}
        for school_id in schools:
            reported = [
                school_days[(school_id, d)]
                for d in period.days
                if (school_id, d) in school_days and school_days[(school_id, d)]["reported"]
            ]
            if len(reported) < selectors.IMPLAUSIBLE_MIN_DAYS:
                continue
            triples = {
                (r["present_boys"], r["present_girls"], r["present_third"]) for r in reported
            }
            same = len(triples) == 1 and sum(next(iter(triples))) > 0
            full = all(
                r["present_boys"] + r["present_girls"] + r["present_third"]
                == r["enrolled_boys"] + r["enrolled_girls"] + r["enrolled_third"]
                > 0
                for r in reported
            )
            if same or full:
                expected[school_id] = (same, full)
        self.assertEqual(found, expected)

    def _check_classes(self, school, period):
        rows = selectors.school_classes(school, period)
        expected = brute.classes(school, period.days)
        got = {r.class_no: r.present for r in rows if any(r.present)}
        self.assertEqual(got, {k: v for k, v in expected.items() if any(v)})
        total = selectors.totals(school.unit, period, period)[0]
        self.assertEqual(sum(sum(r.present) for r in rows), total.present)
        self.assertEqual(sum(sum(r.expected) for r in rows), total.enrolled)


def _ready(world):
    scenario.prepare(world)
    RefreshState.objects.create(pk=1, days_from=scenario.START)
    return world


def test_streaks_of_equal_or_full_counts_are_implausible(world):
    w = _ready(world)
    scenario.apply(w, scenario.Streak(0, 0, 6, 0.7), None)  # A: the same counts six days
    scenario.apply(w, scenario.Streak(2, 0, 6, 1.0), None)  # C: everyone, every day
    for day, share in enumerate([0.5, 0.6, 0.7, 0.8, 0.9, 0.4]):  # B: counts that vary
        scenario.send(w, scenario.Send(1, day, share, 20, 0, False, "PP"))
    refresh.refresh(now=NOW)
    month = Period.of(MONTH, scenario.START, scenario.TODAY)
    week = Period.of(WEEK, scenario.START, scenario.TODAY)
    for period in (month, week):
        found = {
            s.unit.pk: (s.same_counts, s.always_full, s.days)
            for s in selectors.implausible(w.state, period)
        }
        assert found == {w.school_a.pk: (True, False, 6), w.school_c.pk: (True, True, 6)}
    # Block Y holds only school C; cluster X1 holds A and B.
    assert [s.unit.pk for s in selectors.implausible(w.block_y, month)] == [w.school_c.pk]
    assert [s.unit.pk for s in selectors.implausible(w.cluster_x1, month)] == [w.school_a.pk]
    # A single day is never enough to judge.
    assert selectors.implausible(w.state, Period.of(DAY, scenario.START, scenario.TODAY)) == []


def test_today_counts_and_the_schools_to_call(world):
    w = _ready(world)
    day = scenario.START
    scenario.send(w, scenario.Send(0, 0, 0.8, 20, 0, False, "PP"))  # A on time
    scenario.send(w, scenario.Send(2, 0, 0.8, 90, 0, False, "PA"))  # C late
    scenario.send(w, scenario.Send(3, 0, 0.8, 20, 0, True, "PP"))  # D held (wrong clock)
    refresh.refresh(now=scenario.at(day, "12:00"))
    t = selectors.today(w.state, day)
    f = t.figures
    assert (t.schools, t.closed, f.schools_open, f.reported, f.on_time, f.late, f.held) == (
        4,
        0,
        4,
        2,
        1,
        1,
        1,
    )
    assert f.not_reported == 1  # B
    waiting = selectors.waiting(selectors.schools_of(selectors.not_reported(w.state, day)), day)
    # By block (the blocks' ids): Phanda (B) before Ashta (D).
    assert [(x.school.pk, x.held, x.head_master) for x in waiting] == [
        (w.school_b.pk, False, "Bina Rao"),
        (w.school_d.pk, True, "Dilip Das"),
    ]
    assert list(selectors.not_reported(w.block_y, day)) == []
    assert list(selectors.not_reported(w.cluster_x1, day)) == [w.school_b.pk]
    assert selectors.today(w.block_x, day).schools == 2
