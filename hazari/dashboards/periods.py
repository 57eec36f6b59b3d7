"""Periods: a day, a week (Monday to Sunday) or a calendar month, never past today."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _

DAY, WEEK, MONTH = "day", "week", "month"
KINDS = {DAY: _("Day"), WEEK: _("Week"), MONTH: _("Month")}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def academic_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # the last day counted: the period's last, or today if earlier

    @classmethod
    def of(cls, kind: str, day: datetime.date, today: datetime.date) -> "Period":
        day = min(day, today)
        if kind == WEEK:
            start = day - datetime.timedelta(days=day.weekday())
            end = start + datetime.timedelta(days=6)
        elif kind == MONTH:
            start = month_start(day)
            end = next_month(day) - datetime.timedelta(days=1)
        else:
            kind, start, end = DAY, day, day
        return cls(kind, start, min(end, today))

    def before(self, previous_day: datetime.date | None = None) -> "Period":
        """The period before this one. For a day: the given previous day (the last day the
        area had a school open), else the calendar day before."""
        if self.kind == WEEK:
            start = self.start - datetime.timedelta(days=7)
            return Period(WEEK, start, start + datetime.timedelta(days=6))
        if self.kind == MONTH:
            start = month_start(self.start - datetime.timedelta(days=1))
            return Period(MONTH, start, self.start - datetime.timedelta(days=1))
        day = previous_day or self.start - datetime.timedelta(days=1)
        return Period(DAY, day, day)

    @property
    def is_whole_month(self) -> bool:
        return self.kind == MONTH

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return formats.date_format(self.start, "F Y")
        if self.kind == WEEK:
            first, last = (
                formats.date_format(self.start, "j M"),
                formats.date_format(self.end, "j M Y"),
            )
            return f"{first} – {last}"
        return formats.date_format(self.start, "l, j F Y")

    @property
    def days(self) -> list[datetime.date]:
        return [
            self.start + datetime.timedelta(days=i) for i in range((self.end - self.start).days + 1)
        ]
