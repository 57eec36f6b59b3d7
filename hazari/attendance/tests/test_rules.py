"""Every time rule, at its edges."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hazari.attendance.models import RuleSet
from hazari.attendance.rules import (
    ARRIVAL_GRACE,
    FUTURE_TOLERANCE,
    Rules,
    judge_time,
    rules_for,
    window_for,
)
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
        # A 13:30 school's band is 13:30–17:30 (it moves with the start): its hour counts.
        ("14:30", datetime.time(13, 30), "accepted", "on_time"),
        ("14:30:01", datetime.time(13, 30), "late", "late"),
        ("16:59:59", TEN, "late", "late"),
        ("17:00", TEN, "rejected", "day_closed"),
        # Morning shift: a 07:30 school is on time from 07:30 to 08:30, before 10:00.
        ("07:29", datetime.time(7, 30), "rejected", "not_open_yet"),
        ("07:30", datetime.time(7, 30), "accepted", "on_time"),
        ("08:30", datetime.time(7, 30), "accepted", "on_time"),
        ("08:30:01", datetime.time(7, 30), "late", "late"),
    ],
)
def test_window_edges(captured, start, status, code):
    verdict = judge(captured, start=start)
    assert (verdict.status, verdict.code) == (status, code)


def test_the_band_limits_a_long_hour():
    # With 300 minutes counted as on time, the band (10:00–14:00 for a 10:00 school) still
    # ends the on-time window; for an 08:00 school it ends at 12:00.
    rules = Rules(on_time_minutes=300)
    assert judge("14:00", rules=rules).code == "on_time"
    assert judge("14:00:01", rules=rules).code == "late"
    assert judge("12:00", start=datetime.time(8, 0), rules=rules).code == "on_time"
    assert judge("12:00:01", start=datetime.time(8, 0), rules=rules).code == "late"


def test_window_for_a_ten_oclock_school_is_the_states_band():
    window = window_for(DEFAULT, TEN, DAY)
    assert (window.opens, window.on_time_until, window.closes) == (
        at("10:00"),
        at("11:00"),
        at("17:00"),
    )


def test_saved_in_time_but_received_after_the_window_is_late_offline():
    # Captured at 10:30 offline, uploaded at 12:00: the phone's word cannot make it on time.
    verdict = judge("10:30", received="12:00")
    assert (verdict.status, verdict.code) == ("late", "late_offline")
    assert verdict.params == {"time": "11:00"}


def test_received_just_after_the_window_on_a_slow_network_is_on_time():
    assert judge("10:59:50", received="11:01:50").code == "on_time"
    assert judge("10:59:50", received="11:02:01").code == "late_offline"


def test_received_after_the_days_cut_off_is_held_by_default():
    # Captured at 10:30 offline, uploaded at 18:00 (after the day closed).
    verdict = judge("10:30", received="18:00")
    assert (verdict.status, verdict.code) == ("held", "after_close")


def test_received_after_the_cut_off_may_be_accepted_as_late_by_the_states_rule():
    verdict = judge("10:30", received="17:00", rules=Rules(after_close="late"))
    assert (verdict.status, verdict.code) == ("late", "after_close")


def test_the_issue_case_a_past_day_with_a_truthful_sent_at_is_never_on_time():
    # A capture for 2 December, received on 4 December, claiming 11:30 on 2 December, with a
    # truthful sent_at (offset 0): it was accepted on time before.
    day = datetime.date(2026, 12, 2)
    verdict = judge_time(
        rules=DEFAULT,
        start_time=datetime.time(11, 0),
        day=day,
        captured_at=at("11:30", day),
        received_at=at("10:15", day + datetime.timedelta(days=2)),
        clock_offset=NO_OFFSET,
    )
    assert (verdict.status, verdict.code) == ("held", "after_close")


def test_offline_capture_arriving_days_later_within_the_limit():
    verdict = judge_time(
        rules=Rules(after_close="late"),
        start_time=TEN,
        day=DAY,
        captured_at=at("10:30"),
        received_at=at("09:00", DAY + datetime.timedelta(days=3)),
        clock_offset=NO_OFFSET,
    )
    assert (verdict.status, verdict.code) == ("late", "after_close")


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
        received="16:58",
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


# --- The phone's word against the server's clock (hypothesis) ------------------------------
#
# A phone whose clock is `device_offset` behind the server's (server − device) takes the
# attendance at `true_time` (server clock), waits `offline` before sending, and the request
# takes `network` to arrive. It may also lie about the capture time by `lie`. The server sees
# the device's captured_at and sent_at, and its own received_at; it measures the offset as
# received_at − sent_at (which includes the network time, as sync.py does).

RANK = {"accepted": 3, "late": 2, "held": 1, "rejected": 0}
minutes = st.integers(min_value=-24 * 60, max_value=24 * 60).map(
    lambda m: datetime.timedelta(minutes=m)
)


@st.composite
def uploads(draw):
    day = DAY
    true_time = at("06:00", day) + datetime.timedelta(
        seconds=draw(st.integers(min_value=0, max_value=14 * 3600))
    )
    offline = datetime.timedelta(seconds=draw(st.integers(0, 4 * 24 * 3600)))
    network = datetime.timedelta(seconds=draw(st.integers(0, 180)))
    device_offset = datetime.timedelta(seconds=draw(st.integers(-3600, 3600)))
    lie = datetime.timedelta(seconds=draw(st.integers(-6 * 3600, 6 * 3600)))
    start = datetime.time(draw(st.integers(6, 13)), draw(st.sampled_from([0, 15, 30, 45])))
    rules = Rules(after_close=draw(st.sampled_from(["held", "late"])))
    received_at = true_time + offline + network
    sent_at = true_time + offline - device_offset
    return {
        "rules": rules,
        "start_time": start,
        "day": day,
        "captured_at": true_time - device_offset + lie,
        "received_at": received_at,
        "clock_offset": received_at - sent_at,
    }


@settings(max_examples=400, deadline=None)
@given(uploads())
def test_never_on_time_unless_it_reached_the_server_in_time(upload):
    verdict = judge_time(**upload)
    window = window_for(upload["rules"], upload["start_time"], upload["day"])
    if verdict.code == "on_time":
        assert upload["received_at"] <= window.on_time_until + ARRIVAL_GRACE
        assert upload["received_at"] >= window.opens - FUTURE_TOLERANCE
    if upload["received_at"] >= window.closes:
        # After the cut-off: at best what the state's rule says, never on time.
        assert RANK[verdict.status] <= RANK[upload["rules"].after_close]
        assert verdict.code != "on_time"


@settings(max_examples=400, deadline=None)
@given(uploads(), minutes)
def test_a_later_claimed_time_is_never_judged_better(upload, shift):
    # Two claims for one arrival, both inside the day's entry hours: the earlier is judged at
    # least as well (on time ≥ late ≥ held), and only the arrival decides between the two
    # kinds of late.
    window = window_for(upload["rules"], upload["start_time"], upload["day"])
    other = {**upload, "captured_at": upload["captured_at"] + shift}
    first, second = sorted([upload, other], key=lambda u: u["captured_at"] + u["clock_offset"])
    earlier, later = judge_time(**first), judge_time(**second)
    in_hours = {"on_time", "late", "late_offline", "after_close"}
    if earlier.code in in_hours and later.code in in_hours:
        assert RANK[earlier.status] >= RANK[later.status]
        if upload["received_at"] >= window.closes:
            assert earlier.code == later.code == "after_close"


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=7 * 3600),  # seconds after 10:00, server clock
    st.integers(min_value=0, max_value=90),  # network seconds
    st.integers(min_value=-600, max_value=600),  # device clock error, within the skew limit
)
def test_an_honest_phone_online_gets_the_verdict_of_its_true_time(after_ten, network, error):
    true_time = at("10:00") + datetime.timedelta(seconds=after_ten)
    received = true_time + datetime.timedelta(seconds=network)
    device_error = datetime.timedelta(seconds=error)
    verdict = judge_time(
        rules=DEFAULT,
        start_time=TEN,
        day=DAY,
        captured_at=true_time - device_error,
        received_at=received,
        clock_offset=received - (true_time - device_error),  # sent at once
    )
    # The server corrects by the measured offset, which includes the network time: the
    # corrected capture time is the arrival.
    if received <= at("11:00"):
        assert verdict.code == "on_time"
    elif received < at("17:00"):
        assert (verdict.status, verdict.code) == ("late", "late")
    else:
        assert verdict.code in ("day_closed", "after_close")
