"""Reading the officers' figures of absence (the rollups of hazari.students.rollup): one
indexed read of a unit's rows, or of the rows of the units one level down. No child is named.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from hazari.orgunits.models import ANCESTOR_FIELDS, OrgUnit
from hazari.students.models import Absence, CauseCount
from hazari.students.rollup import SUMMED, Counts, session_start

SESSION, MONTH = "session", "month"


@dataclass(frozen=True)
class Span:
    """What the absence pages show: the session so far, or one month."""

    kind: str  # SESSION or MONTH
    start: datetime.date  # the session's first day, or the month's

    @classmethod
    def of(cls, kind: str, day: datetime.date, today: datetime.date) -> "Span":
        day = min(day, today)
        if kind == MONTH:
            return cls(MONTH, day.replace(day=1))
        return cls(SESSION, session_start(day))

    @property
    def session(self) -> bool:
        return self.kind == SESSION

    def months(self, today: datetime.date) -> list[datetime.date]:
        """The months the span covers, up to today's."""
        if not self.session:
            return [self.start]
        out: list[datetime.date] = []
        at = self.start
        while at <= today and len(out) < 12:
            out.append(at)
            at = (at.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return out


def _rows(span: Span, **where):
    return Absence.objects.filter(session=span.session, start=span.start, **where)


def _counts(row: dict) -> Counts:
    return Counts(**{name: row[f"total_{name}"] or 0 for name in SUMMED})


_TOTALS = {f"total_{name}": Sum(name) for name in SUMMED}


def totals(unit: OrgUnit, span: Span) -> Counts:
    return _counts(_rows(span, unit=unit).aggregate(**_TOTALS))


def by_class(unit: OrgUnit, span: Span) -> dict[int, Counts]:
    rows = _rows(span, unit=unit).values("class_no").annotate(**_TOTALS).order_by("class_no")
    return {row["class_no"]: _counts(row) for row in rows}


def by_gender(unit: OrgUnit, span: Span) -> dict[str, Counts]:
    rows = _rows(span, unit=unit).values("gender").annotate(**_TOTALS).order_by("gender")
    return {row["gender"]: _counts(row) for row in rows}


def children(unit: OrgUnit, span: Span) -> dict[int, dict[str, Counts]]:
    """The units one level down: {unit id: {gender: counts}} (sum them for the unit)."""
    below = {"unit__level": unit.level + 1, f"unit__{ANCESTOR_FIELDS[unit.level]}": unit}
    rows = _rows(span, **below).values("unit_id", "gender").annotate(**_TOTALS).order_by()
    out: dict[int, dict[str, Counts]] = defaultdict(dict)
    for row in rows:
        out[row["unit_id"]][row["gender"]] = _counts(row)
    return out


def summed(by_gender_: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in by_gender_:
        total.add(c)
    return total


@dataclass(frozen=True)
class CauseRow:
    month: datetime.date
    class_no: int
    gender: str
    cause: str
    students: int


def causes(unit: OrgUnit, months: list[datetime.date]) -> list[CauseRow]:
    """The unit's recorded causes in these months, by month, class and gender."""
    rows = CauseCount.objects.filter(unit=unit, month__in=months).values_list(
        "month", "class_no", "gender", "cause", "students"
    )
    return [CauseRow(*row) for row in rows]


def causes_of_children(unit: OrgUnit, months: list[datetime.date]) -> dict[int, dict[str, int]]:
    """{unit one level down: {cause: children}} over these months."""
    below = {"unit__level": unit.level + 1, f"unit__{ANCESTOR_FIELDS[unit.level]}": unit}
    rows = (
        CauseCount.objects.filter(month__in=months, **below)
        .values("unit_id", "cause")
        .annotate(total=Sum("students"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[row["unit_id"]][row["cause"]] = row["total"]
    return out
