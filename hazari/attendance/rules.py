"""The rules of daily attendance, in one place.

Defaults follow the state's order: entry opens at the school's start time; on time means
within an hour of the start *and* inside the state's on-time band (10:00–14:00 for a school
that starts at 10:00, the state's standard start; the band moves with the school's own start,
so a 07:30 morning school's band is 07:30–11:30); later entries are accepted as late until
17:00; nothing is accepted for a day after 17:00 of that day. A state changes them, and a
district, block, cluster or single school overrides them, through RuleSet rows: the nearest
unit's value wins. The school's start on a day is its own, or a seasonal timetable's
(hazari.schooldays.timetables: summer mornings for a district).

Time is judged by the server's clock as well as the phone's. An offline capture keeps the time
it was captured, corrected by the device's clock offset (measured at every sync as server time
− the device's sent-at time); but the phone's word can only make a capture *worse*, never
better, than its arrival says: nothing proves offline when a capture was made (see
docs/decisions.md, "Time judged by the server"). So a capture is on time only if it also
*reached* the server within the on-time window; one captured in time by the phone's clock but
received after the window is "late (offline)"; one received after the day's cut-off is held for
an officer's review or accepted as late, as the state chooses (`after_close`). A device clock
off by more than the limit (a phone reset to 1970, a clock set a day back) is never silently
trusted: the capture is held for an officer's review, or rejected, as the state chooses.

The overrides are kept by each process for a minute (hazari.lib.memo): a change made in
another process applies within that minute.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from hazari.attendance.models import RollCall, RuleSet, Status
from hazari.lib.memo import Memo
from hazari.orgunits.models import School


@dataclass(frozen=True)
class Rules:
    opens_at: datetime.time = datetime.time(10, 0)
    on_time_until: datetime.time = datetime.time(14, 0)
    on_time_minutes: int = 60
    day_closes_at: datetime.time = datetime.time(17, 0)
    max_offline_days: int = 3
    max_clock_skew_minutes: int = 15
    wrong_clock: str = Status.HELD
    meals_over_present: str = Status.REJECTED
    # A capture that reaches the server after its day's cut-off (offline, or sent days later).
    after_close: str = Status.HELD
    # Counts, or a student-wise roll call (a school without a student register stays on
    # counts: hazari.students.rollcall.mode_of); with late and left early marked, or not.
    roll_call: str = RollCall.COUNTS
    mark_late_and_left_early: bool = False


RULE_FIELDS = [f.name for f in fields(Rules)]
# A capture "from the future" by less than this is network and rounding, not a wrong clock.
FUTURE_TOLERANCE = datetime.timedelta(minutes=2)
# A capture saved just before the on-time window ends and uploaded at once may reach the
# server a little after it on a slow network: still on time.
ARRIVAL_GRACE = datetime.timedelta(minutes=2)


def rules_for(school: School) -> Rules:
    """The school's rules: the defaults, overridden from the state down to the school."""
    return rules_along([*school.unit.ancestor_ids(), school.unit_id])


def rules_along(chain: Sequence[int | None]) -> Rules:
    """The rules of the last unit of `chain` (unit ids from the state down; None ids are
    skipped): each unit's overrides replace those of the units above it."""
    overrides = OVERRIDES.get(None)
    rules = DEFAULT_RULES
    for unit_id in chain:
        changes = overrides.get(unit_id) if unit_id is not None else None
        if changes:
            rules = replace(rules, **changes)
    return rules


def _load_overrides(_: None) -> dict[int, dict[str, Any]]:
    """{unit id: the fields its RuleSet sets}. A state has a handful of these rows."""
    return {
        row.unit_id: {
            name: getattr(row, name) for name in RULE_FIELDS if getattr(row, name) not in (None, "")
        }
        for row in RuleSet.objects.all()
    }


# Every upload asks for its school's rules; the process keeps the overrides for a minute.
OVERRIDES: Memo[None, dict[int, dict[str, Any]]] = Memo(_load_overrides, seconds=60)
DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Verdict:
    status: str  # a Status value
    code: str
    message: str  # marked with gettext_noop; rendered in both languages for the receipt
    params: dict

    @property
    def stored(self) -> bool:
        return self.status != Status.REJECTED


def _verdict(status: str, code: str, message: str, **params: object) -> Verdict:
    return Verdict(status, code, message, params)


@dataclass(frozen=True)
class Window:
    """A school's day by the rules: entry opens at the school's start, counts as on time up to
    `on_time_until`, and closes at `closes`."""

    opens: datetime.datetime
    on_time_until: datetime.datetime
    closes: datetime.datetime


def window_for(rules: Rules, start_time: datetime.time, day: datetime.date) -> Window:
    """The day's window for a school starting at `start_time`. The state's band
    (`opens_at`–`on_time_until`, 10:00–14:00) is set for a school starting at `opens_at`; it
    moves with the school's own start, so that a morning-shift school can be on time."""

    def at(time: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, time))

    opens = at(start_time)
    shift = opens - at(rules.opens_at)
    on_time_until = min(
        opens + datetime.timedelta(minutes=rules.on_time_minutes), at(rules.on_time_until) + shift
    )
    return Window(opens=opens, on_time_until=on_time_until, closes=at(rules.day_closes_at))


def judge_time(
    *,
    rules: Rules,
    start_time: datetime.time,
    day: datetime.date,
    captured_at: datetime.datetime,
    received_at: datetime.datetime,
    clock_offset: datetime.timedelta,
) -> Verdict:
    """When was this capture made, by the server's clock, and does that fit the day's window?
    captured_at is the device's own clock; clock_offset is server time − device time;
    received_at is the server's own clock, the one time the phone cannot invent."""
    today = timezone.localdate(received_at)
    if day > today:
        return _verdict(
            Status.REJECTED,
            "future_date",
            gettext_noop("Attendance cannot be entered for a future date."),
        )
    if (today - day).days > rules.max_offline_days:
        return _verdict(
            Status.REJECTED,
            "too_old",
            gettext_noop("Attendance for %(day)s had to reach the server within %(days)s days."),
            day=day.isoformat(),
            days=rules.max_offline_days,
        )
    if abs(clock_offset) > datetime.timedelta(minutes=rules.max_clock_skew_minutes):
        return _verdict(
            rules.wrong_clock,
            "wrong_clock",
            gettext_noop(
                "The phone's clock is wrong by %(minutes)s minutes; set the right "
                "date and time on the phone."
            ),
            minutes=int(abs(clock_offset).total_seconds() // 60),
        )
    when = timezone.localtime(captured_at + clock_offset)
    if when > received_at + FUTURE_TOLERANCE:
        return _verdict(
            Status.REJECTED,
            "captured_in_future",
            gettext_noop("The capture time is in the future."),
        )
    if when.date() != day:
        return _verdict(
            Status.REJECTED,
            "wrong_day",
            gettext_noop("Attendance for %(day)s must be entered on that day."),
            day=day.isoformat(),
        )
    window = window_for(rules, start_time, day)
    if when < window.opens:
        return _verdict(
            Status.REJECTED,
            "not_open_yet",
            gettext_noop("Entry opens at the school's start time, %(time)s."),
            time=start_time.strftime("%H:%M"),
        )
    if when >= window.closes:
        return _verdict(
            Status.REJECTED,
            "day_closed",
            gettext_noop("Entry for the day closed at %(time)s."),
            time=rules.day_closes_at.strftime("%H:%M"),
        )
    # From here on the phone says the capture was made inside the day's entry hours. Only the
    # arrival proves anything: it can make a capture late, never on time.
    if received_at >= window.closes:
        return _after_close(rules, day, window)
    captured_in_time = when <= window.on_time_until
    if captured_in_time and received_at <= window.on_time_until + ARRIVAL_GRACE:
        return _verdict(Status.ACCEPTED, "on_time", gettext_noop("Received on time."))
    if captured_in_time:
        return _verdict(
            Status.LATE,
            "late_offline",
            gettext_noop(
                "Saved on the phone in time, but it reached the server after %(time)s: "
                "counted as late (offline)."
            ),
            time=timezone.localtime(window.on_time_until).strftime("%H:%M"),
        )
    return _verdict(Status.LATE, "late", gettext_noop("Received, but late."))


def _after_close(rules: Rules, day: datetime.date, window: Window) -> Verdict:
    """Received after the day's cut-off: by the phone's word captured that day, by the
    server's clock only known to exist now. Held for an officer, or late, as the state sets."""
    params = {"day": day.isoformat(), "time": timezone.localtime(window.closes).strftime("%H:%M")}
    if rules.after_close == Status.HELD:
        message = gettext_noop(
            "Received after entry for %(day)s closed at %(time)s: held for an officer's review."
        )
    else:
        message = gettext_noop(
            "Received after entry for %(day)s closed at %(time)s: counted as late."
        )
    return Verdict(rules.after_close, "after_close", message, params)
