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

from hazari.students.marks import Month

CHRONIC, SEVERE = "chronic", "severe"


@dataclass(frozen=True, slots=True)
class Limits:
    run_days: int = 3
    threshold: float = 75.0  # per cent present
    recent_days: int = 30
    chronic: float = 10.0  # per cent of days missed
    severe: float = 20.0
    # A student on the list with no action recorded in this many days is counted (and shown)
    # as "no action".
    act_within: int = 7


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


def standing_of_months(months: Iterable[Month], limits: Limits = Limits()) -> Standing:
    """The same standing as `standing`, straight from a student's months of bit sets: the
    officers' figures are recomputed for every school whose marks change, and walking each
    child's days one by one costs ~50 µs a child where this costs a few."""
    ordered = sorted(months, key=lambda m: m.first)
    marked = sum(m.days_marked for m in ordered)
    absent = sum(m.days_absent for m in ordered)
    run = 0
    for m in reversed(ordered):
        present = m.marked & ~m.absent
        if present:
            # Absences after the last day present; `absent` is a subset of `marked`.
            run += (m.absent >> present.bit_length()).bit_count()
            break
        run += m.days_marked
    recent_marked = recent_absent = 0
    left = max(limits.recent_days, 0)
    for m in reversed(ordered):
        if not left:
            break
        taken = m.marked if m.days_marked <= left else _highest_bits(m.marked, left)
        recent_marked += taken.bit_count()
        recent_absent += (m.absent & taken).bit_count()
        left -= taken.bit_count()
    reasons = []
    if run >= limits.run_days:
        reasons.append("in_a_row")
    if _below(marked, absent, limits) or _below(recent_marked, recent_absent, limits):
        reasons.append("below_threshold")
    tier = None
    if marked and 100 * absent >= limits.severe * marked:
        tier = SEVERE
    elif marked and 100 * absent >= limits.chronic * marked:
        tier = CHRONIC
    return Standing(marked, absent, run, recent_marked, recent_absent, tuple(reasons), tier)


def _highest_bits(bits: int, count: int) -> int:
    """The `count` highest set bits of `bits`."""
    out = 0
    while count and bits:
        top = 1 << (bits.bit_length() - 1)
        out |= top
        bits ^= top
        count -= 1
    return out
