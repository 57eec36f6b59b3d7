"""A student's roll-call marks for one month, as two bit sets (issue 15: storage built for a
state).

One row per student per day would be ~19 crore rows a year for Madhya Pradesh; one row per
student per month holds the same marks in two integers: bit d − 1 of `marked` is set when the
student was on a roll call taken on day d of the month, and the same bit of `absent` when the
student was marked absent that day. Day 31 is bit 30, so both fit a signed 32-bit integer.
`absent` is always a subset of `marked`. A correction of a day rewrites that day's bit, so
marking twice is the same as marking once (the capture's rules decide which roll call counts).
"""

import datetime
from dataclasses import dataclass

DAYS_IN_A_MONTH = 31


def bit(day: datetime.date) -> int:
    return 1 << (day.day - 1)


@dataclass(frozen=True, slots=True)
class Month:
    """A student's marks for one month: `marked` and `absent`, bit d − 1 for day d."""

    first: datetime.date  # the first of the month
    marked: int = 0
    absent: int = 0

    def __post_init__(self) -> None:
        if self.first.day != 1:
            raise ValueError("a month starts on its first day")
        if self.absent & ~self.marked:
            raise ValueError("a day absent must be a day marked")
        if self.marked >> DAYS_IN_A_MONTH:
            raise ValueError("a month has at most 31 days")

    def mark(self, day: datetime.date, *, present: bool) -> "Month":
        """These marks with the day's mark set (or replaced)."""
        if (day.year, day.month) != (self.first.year, self.first.month):
            raise ValueError("the day is not in this month")
        b = bit(day)
        absent = self.absent & ~b if present else self.absent | b
        return Month(self.first, self.marked | b, absent)

    def unmark(self, day: datetime.date) -> "Month":
        """These marks without the day (a roll call withdrawn, a day declared closed)."""
        b = ~bit(day)
        return Month(self.first, self.marked & b, self.absent & b)

    def days(self) -> list[tuple[datetime.date, bool]]:
        """(day, present) for each day marked, in date order."""
        out = []
        for d in range(DAYS_IN_A_MONTH):
            if self.marked >> d & 1:
                out.append((self.first.replace(day=d + 1), not self.absent >> d & 1))
        return out

    @property
    def days_marked(self) -> int:
        return self.marked.bit_count()

    @property
    def days_absent(self) -> int:
        return self.absent.bit_count()
