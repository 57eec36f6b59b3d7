"""Is school S open on day D: one school at a time, many at once, and as an SQL filter."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hazari.orgunits.categories import Category
from hazari.orgunits.models import Level, OrgUnit, School
from hazari.schooldays.days import (
    OPEN,
    OUTSIDE_SESSION,
    WEEKLY_OFF,
    Reason,
    closed_map,
    dates,
    day_status,
    is_school_day,
    open_days,
    open_schools_q,
    school_calendar,
)
from hazari.schooldays.models import AcademicSession, Kind, Weekday
from hazari.schooldays.services import session_ensure
from hazari.schooldays.tests.helpers import D, closure, working_day
from hazari.testing import build_world
from hazari.testing import school as make_school
from hazari.testing import unit as make_unit

WEDNESDAY = "2026-07-15"
SATURDAY = "2026-08-15"
SUNDAY = "2026-08-16"


@pytest.fixture
def w(world):
    session_ensure(start_year=2026, state=world.state)
    return world


def schools(w):
    return [w.school_a, w.school_b, w.school_c, w.school_d]


def closed_schools(w, day: str) -> set[str]:
    names = {"a": w.school_a, "b": w.school_b, "c": w.school_c, "d": w.school_d}
    return {n for n, s in names.items() if not day_status(s, D(day)).open}


# --- day_status, one kind at a time ---------------------------------------------------------


def test_an_ordinary_weekday_is_open(w):
    assert day_status(w.school_a, D(WEDNESDAY)) == OPEN
    assert day_status(w.school_a, D(SATURDAY)).open
    assert is_school_day(w.school_a, D(WEDNESDAY))


def test_the_weekly_off_day_is_closed(w):
    status = day_status(w.school_a, D(SUNDAY))
    assert status == WEEKLY_OFF
    assert not status.open and status.reason == Reason.WEEKLY_OFF and status.closure is None


def test_the_weekly_off_day_is_the_sessions(w):
    AcademicSession.objects.update(weekly_off=Weekday.FRIDAY)
    assert day_status(w.school_a, D(SUNDAY)).open
    assert day_status(w.school_a, D("2026-08-14")) == WEEKLY_OFF


def test_outside_the_session_is_closed(w):
    assert day_status(w.school_a, D("2026-03-31")) == OUTSIDE_SESSION
    assert day_status(w.school_a, D("2026-04-01")).open
    assert day_status(w.school_a, D("2027-03-31")).open
    assert day_status(w.school_a, D("2027-04-01")) == OUTSIDE_SESSION


def test_without_any_session_every_day_is_closed(world):
    assert day_status(world.school_a, D(WEDNESDAY)).reason == Reason.OUTSIDE_SESSION


def test_a_state_holiday_closes_every_school(w):
    holiday = closure(w.state, "2026-10-02", kind=Kind.STATE_HOLIDAY)
    assert closed_schools(w, "2026-10-02") == {"a", "b", "c", "d"}
    status = day_status(w.school_d, D("2026-10-02"))
    assert status.reason == Reason.CLOSURE and status.closure == holiday
    assert status.kind == Kind.STATE_HOLIDAY
    assert closed_schools(w, "2026-10-01") == set()


def test_a_district_holiday_closes_its_schools_and_no_others(w):
    closure(w.district_a, WEDNESDAY, kind=Kind.LOCAL_HOLIDAY)
    assert closed_schools(w, WEDNESDAY) == {"a", "b", "c"}


def test_a_block_holiday_closes_the_blocks_schools(w):
    closure(w.block_y, WEDNESDAY, kind=Kind.LOCAL_HOLIDAY)
    assert closed_schools(w, WEDNESDAY) == {"c"}


def test_a_cluster_closure_closes_the_clusters_schools(w):
    closure(w.cluster_x1, WEDNESDAY, kind=Kind.ELECTION_DUTY)
    assert closed_schools(w, WEDNESDAY) == {"a", "b"}
    assert day_status(w.school_a, D(WEDNESDAY)).kind == Kind.ELECTION_DUTY


def test_a_school_closure_closes_that_school_only(w):
    closure(w.school_b, WEDNESDAY, kind=Kind.LOCAL_FESTIVAL)
    assert closed_schools(w, WEDNESDAY) == {"b"}


def test_a_closure_covers_its_first_and_last_day(w):
    closure(w.school_a, "2026-07-14", "2026-07-16")
    assert [day_status(w.school_a, D(f"2026-07-{d}")).open for d in (13, 14, 15, 16, 17)] == [
        True,
        False,
        False,
        False,
        True,
    ]


def test_the_broadest_closure_is_reported(w):
    closure(w.school_a, WEDNESDAY, kind=Kind.WEATHER)
    state_wide = closure(w.state, WEDNESDAY, kind=Kind.STATE_HOLIDAY)
    closure(w.block_x, WEDNESDAY, kind=Kind.LOCAL_HOLIDAY)
    assert day_status(w.school_a, D(WEDNESDAY)).closure == state_wide


def test_a_closure_on_the_weekly_off_is_reported_as_the_closure(w):
    vacation = closure(w.state, "2026-05-01", "2026-06-15", kind=Kind.VACATION)
    status = day_status(w.school_a, D("2026-05-03"))  # a Sunday in the vacation
    assert status.closure == vacation


def test_a_working_day_opens_the_weekly_off_for_its_area(w):
    declared = working_day(w.block_x, SUNDAY)
    status = day_status(w.school_a, D(SUNDAY))
    assert status.open and status.reason == Reason.WORKING_DAY and status.working_day == declared
    assert closed_schools(w, SUNDAY) == {"c", "d"}


def test_a_closure_wins_over_a_working_day(w):
    working_day(w.state, SUNDAY)
    closure(w.school_b, SUNDAY)
    assert closed_schools(w, SUNDAY) == {"b"}


def test_a_working_day_does_not_reopen_outside_the_session(w):
    working_day(w.state, "2026-03-29")
    assert day_status(w.school_a, D("2026-03-29")) == OUTSIDE_SESSION


def test_day_status_takes_a_school_or_its_unit(w):
    closure(w.school_a, WEDNESDAY)
    unit = OrgUnit.objects.get(pk=w.school_a.pk)
    assert day_status(unit, D(WEDNESDAY)) == day_status(w.school_a, D(WEDNESDAY))


def test_day_status_makes_at_most_three_queries(w, django_assert_max_num_queries):
    working_day(w.state, SUNDAY)
    with django_assert_max_num_queries(3):
        day_status(w.school_a.unit, D(SUNDAY))


def test_status_label_names_the_reason(w):
    closure(w.school_a, WEDNESDAY, kind=Kind.ELECTION_DUTY)
    with override("en"):
        assert day_status(w.school_a, D(WEDNESDAY)).label == "Election duty"
        assert day_status(w.school_a, D(SUNDAY)).label == "Weekly off"


# --- Many schools at once --------------------------------------------------------------------


def test_open_days_and_closed_map(w):
    closure(w.cluster_x1, "2026-07-14", "2026-07-15")
    start, end = D("2026-07-12"), D("2026-07-18")  # Sunday to Saturday
    opened = open_days(w.block_x, start, end)
    assert set(opened) == {w.school_a.pk, w.school_b.pk}
    assert opened[w.school_a.pk] == [
        D("2026-07-13"),
        D("2026-07-16"),
        D("2026-07-17"),
        D("2026-07-18"),
    ]
    closed = closed_map(w.state, start, end)
    assert set(closed) == {s.pk for s in schools(w)}
    assert closed[w.school_c.pk] == {D("2026-07-12"): WEEKLY_OFF}
    assert closed[w.school_a.pk][D("2026-07-14")].kind == Kind.WEATHER


def test_calendar_of_a_school_unit_covers_that_school(w):
    cal = school_calendar(w.school_a.unit, D(WEDNESDAY), D(WEDNESDAY))
    assert cal.school_ids == [w.school_a.pk]


def test_calendar_takes_schools_units_or_ids(w):
    closure(w.school_c, WEDNESDAY)
    day = D(WEDNESDAY)
    fetched = School.objects.filter(pk__in=[w.school_c.pk, w.school_d.pk])  # unit not loaded
    for where in (
        [w.school_c, w.school_d],
        fetched,
        [w.school_c.unit, w.school_d.unit],
        [w.school_c.pk, w.school_d.pk],
    ):
        cal = school_calendar(where, day, day)
        assert sorted(cal.school_ids) == sorted([w.school_c.pk, w.school_d.pk])
        assert not cal.is_open(w.school_c.pk, day)
        assert cal.is_open(w.school_d.pk, day)


def test_calendar_refuses_a_non_school_in_a_list(w):
    with pytest.raises(ValueError):
        school_calendar([w.block_x], D(WEDNESDAY), D(WEDNESDAY))
    with pytest.raises(ValueError):
        school_calendar([w.block_x.pk], D(WEDNESDAY), D(WEDNESDAY))


def test_calendar_counts(w):
    closure(w.school_a, "2026-07-13", "2026-07-14")
    cal = school_calendar(w.cluster_x1, D("2026-07-12"), D("2026-07-18"))
    assert cal.open_count(w.school_a.pk) == 4
    assert cal.open_count(w.school_b.pk) == 6
    with pytest.raises(ValueError):
        cal.status(w.school_a.pk, D("2026-07-19"))


def _add_schools(w, n: int) -> None:
    """n more schools spread over the clusters, some with closures of their own."""
    clusters = [w.cluster_x1, w.cluster_y1, w.cluster_z1]
    for i in range(n):
        s = make_school(f"2399{i:07d}", f"School {i}", "", clusters[i % 3], Category.PRIMARY)
        if i % 4 == 0:
            closure(s.unit, "2026-07-14")


def _queries_for_calendar(where_fn, w) -> int:
    where = where_fn(w)
    with CaptureQueriesContext(connection) as ctx:
        cal = school_calendar(where, D("2026-07-01"), D("2026-07-30"))
        for pk in cal.school_ids:
            cal.statuses(pk)
            cal.open_days(pk)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "where_fn",
    [
        lambda w: w.state,
        lambda w: w.district_a,
        lambda w: list(School.objects.all()),
        lambda w: list(OrgUnit.objects.filter(level=Level.SCHOOL)),
    ],
    ids=["state", "district", "school objects", "school units"],
)
def test_calendar_queries_do_not_grow_with_schools(w, where_fn):
    closure(w.block_x, "2026-07-10", "2026-07-20")
    working_day(w.state, "2026-07-05")
    few = _queries_for_calendar(where_fn, w)
    _add_schools(w, 36)
    assert OrgUnit.objects.filter(level=Level.SCHOOL).count() == 40
    many = _queries_for_calendar(where_fn, w)
    assert few == many
    assert many <= 4


def test_open_schools_q_queries_do_not_grow_with_schools(w):
    closure(w.block_x, WEDNESDAY)
    with CaptureQueriesContext(connection) as few:
        list(School.objects.filter(open_schools_q(D(WEDNESDAY), prefix="unit__")))
    _add_schools(w, 36)
    with CaptureQueriesContext(connection) as many:
        opened = list(School.objects.filter(open_schools_q(D(WEDNESDAY), prefix="unit__")))
    assert len(few.captured_queries) == len(many.captured_queries) <= 4
    assert w.school_a not in opened and w.school_d in opened


def test_open_schools_q_with_no_session_matches_nothing(world):
    assert not OrgUnit.objects.filter(open_schools_q(D(WEDNESDAY))).exists()


# --- Random calendars: the bulk answers equal the one-by-one answer --------------------------

WINDOW_START = D("2026-03-10")
WINDOW_DAYS = 60


class BulkEqualsOneByOne(TestCase):
    """On the test world, random sessions, closures and working days over 60 days: every way
    of asking many at once gives day_status's answer for every school × day."""

    w: Any
    units: list[OrgUnit]
    schools: list[School]

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        w = cls.w
        cls.units = [
            w.state,
            w.district_a,
            w.district_b,
            w.block_x,
            w.block_y,
            w.block_z,
            w.cluster_x1,
            w.cluster_y1,
            w.cluster_z1,
            w.school_a.unit,
            w.school_b.unit,
            w.school_c.unit,
            w.school_d.unit,
        ]
        cls.schools = [w.school_a, w.school_b, w.school_c, w.school_d]

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        session=st.tuples(st.integers(-20, 50), st.integers(1, 90), st.integers(0, 6)),
        closures=st.lists(
            st.tuples(
                st.integers(0, 12),
                st.integers(-10, WINDOW_DAYS + 5),
                st.integers(0, 25),
                st.sampled_from(Kind.values),
            ),
            max_size=10,
        ),
        working=st.lists(
            st.tuples(st.integers(0, 12), st.integers(-3, WINDOW_DAYS + 3)),
            max_size=6,
            unique=True,
        ),
    )
    def test_bulk_equals_day_status(self, session, closures, working):
        w = self.w
        first, length, weekly_off = session
        start = WINDOW_START + datetime.timedelta(days=first)
        AcademicSession.objects.create(
            state=w.state,
            name="s",
            start=start,
            end=start + datetime.timedelta(days=length),
            weekly_off=weekly_off,
        )
        for unit_i, offset, days, kind in closures:
            begin = WINDOW_START + datetime.timedelta(days=offset)
            end = begin + datetime.timedelta(days=days)
            closure(self.units[unit_i], begin.isoformat(), end.isoformat(), kind=kind)
        for unit_i, offset in working:
            day = WINDOW_START + datetime.timedelta(days=offset)
            working_day(self.units[unit_i], day.isoformat())

        window = dates(WINDOW_START, WINDOW_START + datetime.timedelta(days=WINDOW_DAYS - 1))
        truth = {(s.pk, d): day_status(s, d) for s in self.schools for d in window}

        for where in (w.state, self.schools, [s.pk for s in self.schools]):
            cal = school_calendar(where, window[0], window[-1])
            for (pk, d), expected in truth.items():
                assert cal.status(pk, d) == expected, (pk, d)
        # A part of the tree, and a window that starts inside this one.
        cal = school_calendar(w.block_x, window[10], window[40])
        for s in (w.school_a, w.school_b):
            for d in window[10:41]:
                assert cal.status(s.pk, d) == truth[(s.pk, d)]
        # The SQL filter, day by day.
        for d in window:
            opened = set(
                School.objects.filter(open_schools_q(d, prefix="unit__")).values_list(
                    "pk", flat=True
                )
            )
            assert opened == {s.pk for s in self.schools if truth[(s.pk, d)].open}, d


def test_schools_of_two_states_each_follow_their_own_calendar(w):
    other = make_unit("27", "Maharashtra", "महाराष्ट्र", None)
    AcademicSession.objects.create(
        state=other, name="x", start=D("2026-06-15"), end=D("2027-04-30"), weekly_off=Weekday.FRIDAY
    )
    district = make_unit("2701", "Pune", "", other)
    block = make_unit("270101", "Haveli", "", district)
    cluster = make_unit("270101-01", "Haveli 1", "", block)
    pune = make_school("27010100101", "ZP School", "", cluster, Category.PRIMARY)
    closure(other, "2026-07-16", kind=Kind.STATE_HOLIDAY)
    window = dates(D("2026-06-10"), D("2026-07-20"))
    cal = school_calendar([pune, w.school_a], window[0], window[-1])
    for s in (pune, w.school_a):
        for d in window:
            assert cal.status(s.pk, d) == day_status(s, d), (s, d)
    assert not cal.is_open(pune.pk, D("2026-07-16")) and cal.is_open(w.school_a.pk, D("2026-07-16"))
    assert not cal.is_open(pune.pk, D("2026-07-17"))  # a Friday
    assert cal.is_open(pune.pk, D("2026-07-19"))  # a Sunday
    for d in window:
        opened = set(OrgUnit.objects.filter(open_schools_q(d)).values_list("pk", flat=True))
        expected = {s.pk for s in [*schools(w), pune] if day_status(s, d).open}
        assert opened == expected, d
