"""Every time rule, at its edges."""

import datetime

import pytest

from hazari.attendance.models import RuleSet
from hazari.attendance.rules import Rules, judge_time, rules_for
from hazari.attendance.tests.conftest import DAY, at

TEN = datetime.time(10, 0)
NO_OFFSET = datetime.timedelta(0)
DEFAULT = Rules()


def judge(
    captured: str,
    *,
    start=TEN,
    received: str | None = None,
    day=DAY,
    offset=NO_OFFSET,
    rules=DEFAULT,
):
    return judge_time(
        rules=rules,
        start_time=start,
        day=day,
        captured_at=at(captured, day),
        received_at=at(received or captured, day),
        clock_offset=offset,
    )


@pytest.mark.parametrize(
    ("captured", "start", "status", "code"),
    [
        ("09:59", TEN, "rejected", "not_open_yet"),
        ("10:00", TEN, "accepted", "on_time"),
        ("11:00", TEN, "accepted", "on_time"),  # start + 60 min
        ("11:00:01", TEN, "late", "late"),
        ("13:59", datetime.time(13, 0), "accepted", "on_time"),
        ("14:00", datetime.time(13, 30), "accepted", "on_time"),
        ("14:00:01", datetime.time(13, 30), "late", "late"),  # within the hour, past 14:00
        ("16:59:59", TEN, "late", "late"),
        ("17:00", TEN, "rejected", "day_closed"),
        ("08:00", datetime.time(7, 30), "late", "late"),  # morning shift: before 10:00
    ],
)
def test_window_edges(captured, start, status, code):
    verdict = judge(captured, start=start)
    assert (verdict.status, verdict.code) == (status, code)


def test_offline_capture_keeps_its_capture_time():
    # Captured at 10:30 offline, uploaded at 18:00 (after the day closed): on time.
    verdict = judge("10:30", received="18:00")
    assert verdict.status == "accepted"


def test_offline_capture_arriving_days_later_within_the_limit():
    verdict = judge_time(
        rules=Rules(),
        start_time=TEN,
        day=DAY,
        captured_at=at("10:30"),
        received_at=at("09:00", DAY + datetime.timedelta(days=3)),
        clock_offset=NO_OFFSET,
    )
    assert verdict.status == "accepted"


def test_offline_capture_too_old():
    verdict = judge_time(
        rules=Rules(),
        start_time=TEN,
        day=DAY,
        captured_at=at("10:30"),
        received_at=at("09:00", DAY + datetime.timedelta(days=4)),
        clock_offset=NO_OFFSET,
    )
    assert (verdict.status, verdict.code) == ("rejected", "too_old")


def test_future_date_is_rejected():
    verdict = judge_time(
        rules=Rules(),
        start_time=TEN,
        day=DAY + datetime.timedelta(days=1),
        captured_at=at("10:30"),
        received_at=at("10:30"),
        clock_offset=NO_OFFSET,
    )
    assert verdict.code == "future_date"


def test_clock_offset_corrects_the_capture_time():
    # The phone is 10 minutes slow: it says 10:55 when the server says 11:05 → late.
    slow = datetime.timedelta(minutes=10)
    assert judge("10:55", received="11:05", offset=slow).status == "late"
    assert judge("10:45", received="10:55", offset=slow).status == "accepted"


def test_corrected_time_after_closing_is_rejected():
    # The phone says 16:50. Five minutes slow: really 16:55, late. Twenty: 17:10, closed.
    verdict = judge(
        "16:50",
        received="17:10",
        offset=datetime.timedelta(minutes=5),
        rules=Rules(max_clock_skew_minutes=30),
    )
    assert verdict.status == "late"
    verdict = judge(
        "16:50",
        received="17:10",
        offset=datetime.timedelta(minutes=20),
        rules=Rules(max_clock_skew_minutes=30),
    )
    assert verdict.code == "day_closed"


@pytest.mark.parametrize("offset_hours", [24, -24, 24 * 365 * 56])  # a day off; reset to 1970
def test_wrong_clock_is_held_not_trusted(offset_hours):
    verdict = judge("10:30", offset=datetime.timedelta(hours=offset_hours))
    assert (verdict.status, verdict.code) == ("held", "wrong_clock")


def test_wrong_clock_can_be_rejected_instead():
    verdict = judge(
        "10:30", offset=datetime.timedelta(hours=2), rules=Rules(wrong_clock="rejected")
    )
    assert (verdict.status, verdict.code) == ("rejected", "wrong_clock")


def test_capture_time_in_the_future_is_rejected():
    verdict = judge("10:40", received="10:30")
    assert verdict.code == "captured_in_future"


def test_capture_on_another_day_is_rejected():
    verdict = judge_time(
        rules=Rules(),
        start_time=TEN,
        day=DAY,
        captured_at=at("10:30", DAY - datetime.timedelta(days=1)),
        received_at=at("10:30"),
        clock_offset=NO_OFFSET,
    )
    assert verdict.code == "wrong_day"


def test_overrides_from_state_down_to_school(world):
    RuleSet.objects.create(unit=world.state, max_offline_days=5, on_time_minutes=45)
    RuleSet.objects.create(unit=world.district_a, max_offline_days=2)
    RuleSet.objects.create(unit=world.school_a.unit, opens_at=datetime.time(7, 30))
    rules = rules_for(world.school_a)
    assert (rules.max_offline_days, rules.on_time_minutes, rules.opens_at) == (
        2,
        45,
        datetime.time(7, 30),
    )
    other = rules_for(world.school_d)  # another district: only the state's
    assert (other.max_offline_days, other.opens_at) == (5, datetime.time(10, 0))
