"""Entering and removing closures and working days: who may, and what is refused."""

import datetime

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from hazari.schooldays import services
from hazari.schooldays.models import AcademicSession, Closure, Kind, Weekday, WorkingDay
from hazari.schooldays.tests.helpers import D

TODAY = "2026-07-15"  # a Wednesday in the 2026–27 session


@pytest.fixture
def w(world):
    services.session_ensure(start_year=2026, state=world.state)
    with time_machine.travel(f"{TODAY} 11:00 +0530", tick=False):
        yield world


def add(actor, unit, start=TODAY, end=None, kind=Kind.WEATHER, reason="Heavy rain"):
    return services.closure_add(
        actor=actor, unit=unit, start=D(start), end=D(end or start), kind=kind, reason=reason
    )


def fields(excinfo) -> dict[str, list[str]]:
    return {f: [e.code for e in errors] for f, errors in excinfo.value.error_dict.items()}


# --- Sessions ----------------------------------------------------------------------------------


def test_session_ensure_makes_april_to_march_with_sunday_off(world):
    session = services.session_ensure(start_year=2026)
    assert (session.name, session.start, session.end) == (
        "2026–27",
        D("2026-04-01"),
        D("2027-03-31"),
    )
    assert session.weekly_off == Weekday.SUNDAY
    assert session.state == world.state
    assert services.session_ensure(start_year=2026) == session
    assert AcademicSession.objects.count() == 1


def test_sessions_of_a_state_do_not_overlap(world):
    services.session_ensure(start_year=2026, state=world.state)
    with pytest.raises(ValidationError) as e:
        services.session_create(state=world.state, start=D("2027-03-01"), end=D("2028-02-28"))
    assert fields(e) == {NON_FIELD_ERRORS: ["overlap"]}
    with pytest.raises(ValidationError) as e:
        services.session_create(state=world.state, start=D("2028-04-01"), end=D("2028-04-01"))
    assert fields(e) == {"end": ["end_before_start"]}


def test_session_needs_a_state(world):
    with pytest.raises(ValueError):
        services.session_ensure(start_year=2026, state=world.district_a)


# --- Who may enter a closure -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "unit", "allowed"),
    [
        ("chetan", "cluster_x1", True),
        ("chetan", "school_a", True),
        ("chetan", "block_x", False),  # above his cluster
        ("chetan", "school_c", False),  # another cluster
        ("bhavna", "block_x", True),
        ("bhavna", "school_b", True),
        ("bhavna", "block_y", False),
        ("yash", "school_a", False),
        ("dinesh", "district_a", True),
        ("dinesh", "school_c", True),
        ("dinesh", "district_b", False),
        ("zoya", "school_a", False),
        ("sunita", "school_d", True),
        ("arjun", "district_b", True),
        ("asha", "school_a", False),  # head masters and teachers only read the calendar
        ("tarun", "school_a", False),
        ("hari", "school_c", False),
        ("dev", "block_x", False),  # a DDO's powers are about pay
    ],
)
def test_who_may_enter_a_closure(w, person, unit, allowed):
    target = getattr(w, unit)
    target = getattr(target, "unit", target)
    if allowed:
        assert add(getattr(w, person), target).unit == target
    else:
        with pytest.raises(PermissionDenied):
            add(getattr(w, person), target)
        assert not Closure.objects.exists()


def test_only_the_state_enters_state_holidays(w):
    holiday = add(w.sunita, w.state, "2026-10-02", kind=Kind.STATE_HOLIDAY, reason="Gandhi Jayanti")
    assert holiday.created_by == w.sunita
    with pytest.raises(ValidationError) as e:
        add(w.dinesh, w.district_a, "2026-10-03", kind=Kind.STATE_HOLIDAY)
    assert fields(e) == {"kind": ["state_holiday_below_state"]}
    with pytest.raises(PermissionDenied):
        add(w.dinesh, w.state, "2026-10-03", kind=Kind.STATE_HOLIDAY)


def test_a_local_holiday_is_below_the_state(w):
    with pytest.raises(ValidationError) as e:
        add(w.sunita, w.state, kind=Kind.LOCAL_HOLIDAY)
    assert fields(e) == {"kind": ["local_holiday_on_state"]}
    assert add(w.dinesh, w.district_a, kind=Kind.LOCAL_HOLIDAY).kind == Kind.LOCAL_HOLIDAY


# --- What a closure must be --------------------------------------------------------------------


def test_the_reason_is_required_and_tidied(w):
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.block_x, reason="   ")
    assert fields(e) == {"reason": ["required"]}
    assert add(w.bhavna, w.block_x, reason="  Heavy \n rain ").reason == "Heavy rain"
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.cluster_x1, reason="x" * 201)
    assert fields(e) == {"reason": ["too_long"]}


def test_the_kind_must_be_known(w):
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.block_x, kind="picnic")
    assert fields(e) == {"kind": ["invalid"]}


def test_the_end_is_not_before_the_start(w):
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.block_x, "2026-07-20", "2026-07-19")
    assert fields(e) == {"end": ["end_before_start"]}


def test_a_closure_lasts_at_most_60_days_and_a_vacation_92(w):
    start = D("2026-07-20")
    assert (
        add(w.bhavna, w.block_x, "2026-07-20", str(start + datetime.timedelta(days=59))).days == 60
    )
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.cluster_x1, "2026-07-20", str(start + datetime.timedelta(days=60)))
    assert fields(e) == {"end": ["too_long"]}
    long = add(
        w.sunita,
        w.state,
        "2026-07-20",
        str(start + datetime.timedelta(days=91)),
        kind=Kind.VACATION,
    )
    assert long.days == 92
    with pytest.raises(ValidationError) as e:
        add(
            w.sunita,
            w.district_a,
            "2026-07-20",
            str(start + datetime.timedelta(days=92)),
            kind=Kind.VACATION,
        )
    assert fields(e) == {"end": ["too_long"]}


def test_the_dates_lie_in_one_session(w):
    with pytest.raises(ValidationError) as e:
        add(w.sunita, w.state, "2027-03-30", "2027-04-02")
    assert fields(e) == {"end": ["beyond_session"]}
    with pytest.raises(ValidationError) as e:
        add(w.sunita, w.state, "2027-04-05")
    assert fields(e) == {"start": ["no_session"]}


def test_officers_below_the_state_go_back_at_most_a_week(w):
    assert add(w.bhavna, w.block_x, "2026-07-08").start == D("2026-07-08")
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.cluster_x1, "2026-07-07", "2026-07-16")
    assert fields(e) == {"start": ["too_far_back"]}
    assert add(w.sunita, w.state, "2026-06-01", kind=Kind.STATE_HOLIDAY).start == D("2026-06-01")


def test_the_same_kind_of_closure_twice_on_a_unit_is_refused(w):
    add(w.bhavna, w.block_x, "2026-07-20", "2026-07-22")
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.block_x, "2026-07-22", "2026-07-25")
    assert fields(e) == {NON_FIELD_ERRORS: ["overlap"]}
    # Another kind, or another unit, on the same days is fine.
    add(w.bhavna, w.block_x, "2026-07-22", kind=Kind.ELECTION_DUTY)
    add(w.bhavna, w.cluster_x1, "2026-07-22")
    assert Closure.objects.count() == 3


def test_several_errors_are_reported_together(w):
    with pytest.raises(ValidationError) as e:
        add(w.bhavna, w.block_x, "2026-07-20", "2026-07-19", kind="picnic", reason="")
    assert set(fields(e)) == {"reason", "kind", "end"}


def test_the_server_may_enter_anything(w):
    closure = add(None, w.state, "2026-05-01", "2026-06-15", kind=Kind.VACATION, reason="Summer")
    assert closure.created_by is None
    assert add(None, w.school_a.unit, "2026-05-01").created_by is None


# --- Removing ----------------------------------------------------------------------------------


def test_the_author_removes_a_closure_and_history_keeps_who(w):
    closure = add(w.bhavna, w.cluster_x1)
    services.closure_remove(actor=w.bhavna, closure=closure)
    assert not Closure.objects.exists()
    removed = Closure.history.filter(history_type="-").get()
    assert removed.history_user == w.bhavna


def test_a_junior_cannot_remove_a_seniors_closure(w):
    closure = add(w.bhavna, w.cluster_x1)
    with pytest.raises(PermissionDenied):
        services.closure_remove(actor=w.chetan, closure=closure)
    services.closure_remove(actor=w.dinesh, closure=closure)  # a senior may
    assert not Closure.objects.exists()


def test_a_peer_may_remove_a_closure_in_their_area(w):
    chetans = add(w.chetan, w.school_a.unit)
    other = type(w.chetan).objects.create_user(
        "EMP2002", "x-password-1", name="New JS", role=w.chetan.role, unit=w.cluster_x1
    )
    services.closure_remove(actor=other, closure=chetans)
    assert not Closure.objects.exists()


def test_only_the_state_removes_what_the_server_loaded(w):
    loaded = add(None, w.district_a, kind=Kind.LOCAL_HOLIDAY)
    with pytest.raises(PermissionDenied):
        services.closure_remove(actor=w.dinesh, closure=loaded)
    services.closure_remove(actor=w.arjun, closure=loaded)


def test_nobody_removes_outside_their_area(w):
    closure = add(w.zoya, w.district_b)
    for person in ("dinesh", "yash", "bhavna", "asha"):
        with pytest.raises(PermissionDenied):
            services.closure_remove(actor=getattr(w, person), closure=closure)


def test_a_closure_that_began_over_a_week_ago_stays(w):
    closure = add(w.bhavna, w.cluster_x1, "2026-07-08", "2026-07-20")
    with time_machine.travel("2026-07-16 11:00 +0530", tick=False):
        with pytest.raises(ValidationError) as e:
            services.closure_remove(actor=w.bhavna, closure=closure)
        assert e.value.code == "too_far_back"
        services.closure_remove(actor=w.sunita, closure=closure)


# --- Working days ------------------------------------------------------------------------------


def test_a_working_day_is_a_weekly_off_day(w):
    sunday = services.working_day_add(
        actor=w.bhavna, unit=w.block_x, day=D("2026-07-19"), reason="Make up for the rain"
    )
    assert sunday.created_by == w.bhavna
    with pytest.raises(ValidationError) as e:
        services.working_day_add(actor=w.bhavna, unit=w.block_x, day=D("2026-07-18"), reason="x")
    assert fields(e) == {"day": ["not_weekly_off"]}
    with pytest.raises(ValidationError) as e:
        services.working_day_add(actor=w.bhavna, unit=w.block_x, day=D("2026-07-19"), reason="x")
    assert fields(e) == {"day": ["duplicate"]}
    with pytest.raises(ValidationError) as e:
        services.working_day_add(actor=w.bhavna, unit=w.cluster_x1, day=D("2026-07-26"), reason="")
    assert fields(e) == {"reason": ["required"]}


def test_working_days_follow_the_closure_rules_for_who_and_when(w):
    with pytest.raises(PermissionDenied):
        services.working_day_add(
            actor=w.asha, unit=w.school_a.unit, day=D("2026-07-19"), reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.working_day_add(actor=w.yash, unit=w.block_x, day=D("2026-07-19"), reason="x")
    with pytest.raises(ValidationError) as e:
        services.working_day_add(actor=w.bhavna, unit=w.block_x, day=D("2026-07-05"), reason="x")
    assert fields(e) == {"day": ["too_far_back"]}
    with pytest.raises(ValidationError) as e:
        services.working_day_add(actor=w.sunita, unit=w.state, day=D("2027-04-04"), reason="x")
    assert fields(e) == {"day": ["no_session"]}


def test_removing_a_working_day(w):
    sunday = services.working_day_add(
        actor=w.dinesh, unit=w.district_a, day=D("2026-07-19"), reason="Exams"
    )
    with pytest.raises(PermissionDenied):
        services.working_day_remove(actor=w.bhavna, working_day=sunday)
    services.working_day_remove(actor=w.dinesh, working_day=sunday)
    assert not WorkingDay.objects.exists()
    assert WorkingDay.history.filter(history_type="-").get().history_user == w.dinesh
