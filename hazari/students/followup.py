"""Who needs following up (issue 15, item 3): the rules, in one place, over a student's days.

A student's days are the school days on which the student was on a roll call (marks.Month):
closed days, holidays and days before the admission are never marked, so they never count as
absence, and they neither break nor extend a run of absences. Over those days:

* `in_a_row` — absent on at least `run_days` marked days in a row up to the last one (3);
* `below_threshold` — present on less than `threshold` % of the marked days of the session,
  or of the last `recent_days` marked days (75 %, 30);
* the tier, as Attendance Works counts chronic absence: missing at least 10 % of the session's
  marked days is *chronic*, at least 20 % *severe*.

A student is on the follow-up list when either rule holds. Pure functions: the pages and the
queue read the marks and call these.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CHRONIC, SEVERE = "chronic", "severe"


@dataclass(frozen=True, slots=True)
class Limits:
    run_days: int = 3
    threshold: float = 75.0  # per cent present
    recent_days: int = 30
    chronic: float = 10.0  # per cent of days missed
    severe: float = 20.0


@dataclass(frozen=True, slots=True)
class Standing:
    days_marked: int
    days_absent: int
    absent_in_a_row: int  # up to the last marked day
    recent_marked: int
    recent_absent: int
    reasons: tuple[str, ...]  # "in_a_row", "below_threshold" (session or recent)
    tier: str | None  # CHRONIC, SEVERE or None

    @property
    def to_follow_up(self) -> bool:
        return bool(self.reasons)

    @property
    def attendance(self) -> float | None:
        """Per cent of the marked days present."""
        if not self.days_marked:
            return None
        return 100.0 * (self.days_marked - self.days_absent) / self.days_marked


def standing(days: Iterable[tuple[datetime.date, bool]], limits: Limits = Limits()) -> Standing:
    """The standing of a student over the session's marked days: (day, present) pairs."""
    series: Sequence[tuple[datetime.date, bool]] = sorted(days)
    marked = len(series)
    absent = sum(1 for _d, present in series if not present)
    run = 0
    for _d, present in reversed(series):
        if present:
            break
        run += 1
    recent = series[-limits.recent_days :] if limits.recent_days > 0 else []
    recent_absent = sum(1 for _d, present in recent if not present)
    reasons = []
    if run >= limits.run_days:
        reasons.append("in_a_row")
    if _below(marked, absent, limits) or _below(len(recent), recent_absent, limits):
        reasons.append("below_threshold")
    # Compared as products, not quotients: 3 days of 30 is 10 % exactly, and chronic.
    tier = None
    if marked and 100 * absent >= limits.severe * marked:
        tier = SEVERE
    elif marked and 100 * absent >= limits.chronic * marked:
        tier = CHRONIC
    return Standing(marked, absent, run, len(recent), recent_absent, tuple(reasons), tier)


def _below(marked: int, absent: int, limits: Limits) -> bool:
    return marked > 0 and 100 * (marked - absent) < limits.threshold * marked
