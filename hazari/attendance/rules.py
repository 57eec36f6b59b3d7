"""The rules of daily attendance, in one place.

Defaults follow the state's order: entry opens at the school's start time; on time means
within an hour of the start *and* between 10:00 and 14:00; later entries are accepted as late
until 17:00; nothing is accepted for a day after 17:00 of that day. A state changes them, and
a district, block, cluster or single school overrides them (a morning-shift school), through
RuleSet rows: the nearest unit's value wins.

An offline capture keeps the time it was captured. The server corrects that time by the
device's clock offset, measured at every sync as (server time − the device's sent-at time),
and judges the corrected time. A device clock off by more than the limit (a phone reset to
1970, a clock set a day back) is never silently trusted: the capture is held for an officer's
review, or rejected, as the state chooses.

The overrides are kept by each process for a minute (hazari.lib.memo): a change made in
another process applies within that minute.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from hazari.attendance.models import RuleSet, Status
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


RULE_FIELDS = [f.name for f in fields(Rules)]
# A capture "from the future" by less than this is network and rounding, not a wrong clock.
FUTURE_TOLERANCE = datetime.timedelta(minutes=2)


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
    captured_at is the device's own clock; clock_offset is server time − device time."""
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
    start = timezone.make_aware(datetime.datetime.combine(day, start_time))
    if when < start:
        return _verdict(
            Status.REJECTED,
            "not_open_yet",
            gettext_noop("Entry opens at the school's start time, %(time)s."),
            time=start_time.strftime("%H:%M"),
        )
    closes = timezone.make_aware(datetime.datetime.combine(day, rules.day_closes_at))
    if when >= closes:
        return _verdict(
            Status.REJECTED,
            "day_closed",
            gettext_noop("Entry for the day closed at %(time)s."),
            time=rules.day_closes_at.strftime("%H:%M"),
        )
    on_time = (
        when <= start + datetime.timedelta(minutes=rules.on_time_minutes)
        and rules.opens_at <= when.time() <= rules.on_time_until
    )
    if on_time:
        return _verdict(Status.ACCEPTED, "on_time", gettext_noop("Received on time."))
    return _verdict(Status.LATE, "late", gettext_noop("Received, but late."))
