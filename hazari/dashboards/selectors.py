"""Reading the dashboards' figures from the rollups.

Every function takes a unit (or school) that the view got through the access layer
(hazari.accounts.scope.unit_for / school_for: 404 outside the user's area) and reads only rows
under it, by the ancestor columns the rollups carry. Nothing here reads the raw attendance
tables, except a single school's class-wise figures (its own few dozen versions).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf, TruncMonth
from django.db.models.lookups import Exact, GreaterThan

from hazari.accounts.models import User
from hazari.accounts.roles import Role
from hazari.attendance.models import ClassPresence
from hazari.dashboards.figures import Figures, change, percent, school_day_sums, sums
from hazari.dashboards.models import (
    COUNT_FIELDS,
    ClassMonth,
    RefreshState,
    SchoolDay,
    SchoolMonth,
    UnitClassMonth,
    UnitDay,
)
from hazari.dashboards.periods import MONTH, Period, academic_year_start, next_month
from hazari.lib.memo import Memo
from hazari.orgunits.models import ANCESTOR_FIELDS, Level, OrgUnit, School
from hazari.registers.models import Enrolment, academic_year_of
from hazari.schooldays.days import DayStatus, school_calendar

# A school needs this many reported days in the period before its reports are judged
# implausible: two equal days are chance, a week of them is not.
IMPLAUSIBLE_MIN_DAYS = 5
WEAK_THRESHOLD = 60
TREND_DAYS = 30


@dataclass(frozen=True)
class Row:
    """A unit or school with its figures for the period and the one before."""

    unit: OrgUnit
    now: Figures
    before: Figures

    @property
    def change(self) -> float | None:
        return change(self.now.attendance, self.before.attendance)


def _column(unit: OrgUnit) -> str:
    """The column of a school rollup that names the unit's schools."""
    return "school_id" if unit.level == Level.SCHOOL else f"{ANCESTOR_FIELDS[unit.level]}_id"


def _now_or_before(period: Period, field: str = "date") -> Case:
    return Case(When(**{f"{field}__gte": period.start}, then=Value(1)), default=Value(0))


def refreshed() -> tuple[datetime.datetime | None, int]:
    """When the rollups were last brought up to date, and how many runs that makes: asked by
    every dashboard request, kept by the process for a second (the refresher runs every 5)."""
    return REFRESHED.get(None)


def _refreshed(_: None) -> tuple[datetime.datetime | None, int]:
    found = RefreshState.objects.filter(pk=1).values_list("refreshed_at", "runs").first()
    return found or (None, 0)


REFRESHED: Memo[None, tuple[datetime.datetime | None, int]] = Memo(_refreshed, seconds=1)


def previous_open_day(unit: OrgUnit, day: datetime.date) -> datetime.date | None:
    """The last day before `day` on which a school of the unit was open."""
    rows: QuerySet
    if unit.level == Level.SCHOOL:
        rows = SchoolDay.objects.filter(school_id=unit.pk, date__lt=day)
    else:
        rows = UnitDay.objects.filter(unit_id=unit.pk, date__lt=day)
    return rows.order_by("-date").values_list("date", flat=True).first()


def periods(unit: OrgUnit, period: Period) -> tuple[Period, Period]:
    """The period and the one it is compared with."""
    previous = previous_open_day(unit, period.start) if period.kind == "day" else None
    return period, period.before(previous)


def _split(rows, key: str) -> dict[object, tuple[Figures, Figures]]:
    """Rows grouped by (key, now) into {key value: (now, before)}."""
    out: dict[object, list[Figures]] = defaultdict(lambda: [Figures(), Figures()])
    for r in rows:
        out[r[key]][0 if r["now"] else 1] = Figures.of(r)
    return {k: (v[0], v[1]) for k, v in out.items()}


def totals(unit: OrgUnit, period: Period, before: Period) -> tuple[Figures, Figures]:
    """The unit's own figures for the period and the one before."""
    rows: QuerySet
    if unit.level == Level.SCHOOL:
        rows = SchoolDay.objects.filter(school_id=unit.pk)
        aggregates = school_day_sums()
    else:
        rows = UnitDay.objects.filter(unit_id=unit.pk)
        aggregates = sums()
    found = _split(
        rows.filter(date__gte=before.start, date__lte=period.end)
        .annotate(now=_now_or_before(period))
        .values("now")
        .annotate(key=Value(0), **aggregates)
        .order_by(),
        "key",
    )
    return found.get(0, (Figures(), Figures()))


def children(kids: QuerySet[OrgUnit], unit: OrgUnit, period: Period, before: Period) -> list[Row]:
    """The units one level down (schools under a cluster), each with its figures. `kids` are
    the children the user may see (scope.units_for(user).children_of(unit))."""
    if unit.level == Level.SCHOOL:
        return []
    if unit.level == Level.CLUSTER:
        found = _schools_figures(unit, period, before)
    else:
        found = _split(
            UnitDay.objects.filter(parent_id=unit.pk, date__gte=before.start, date__lte=period.end)
            .annotate(now=_now_or_before(period))
            .values("unit_id", "now")
            .annotate(**sums())
            .order_by(),
            "unit_id",
        )
    empty = (Figures(), Figures())
    return [Row(kid, *found.get(kid.pk, empty)) for kid in kids]


def _schools_figures(
    unit: OrgUnit, period: Period, before: Period | None
) -> dict[object, tuple[Figures, Figures]]:
    """{school id: (figures now, before)} for every school under the unit."""
    column = _column(unit)
    rows: QuerySet
    if period.kind == MONTH:
        months = [period.start] if before is None else [period.start, before.start]
        rows = (
            SchoolMonth.objects.filter(**{column: unit.pk}, month__in=months)
            .annotate(now=_now_or_before(period, "month"))
            .values("school_id", "now")
            .annotate(**sums())
        )
    else:
        start = period.start if before is None else before.start
        rows = (
            SchoolDay.objects.filter(**{column: unit.pk}, date__gte=start, date__lte=period.end)
            .annotate(now=_now_or_before(period))
            .values("school_id", "now")
            .annotate(**school_day_sums())
        )
    return _split(rows.order_by(), "school_id")


def school_list(unit: OrgUnit, period: Period, *, below: float | None = None) -> QuerySet:
    """Every school under the unit that had a school day in the period, one row each:
    school_id, the counts and `share` (present ÷ enrolled; NULL when nothing was reported),
    the lowest share first and the schools that reported nothing last. Ordered, filtered
    (`below`: a share under this percentage) and sliced in the database: the state has
    92,000 schools."""
    column = _column(unit)
    rows: QuerySet
    if period.kind == MONTH:
        rows = SchoolMonth.objects.filter(**{column: unit.pk}, month=period.start).values(
            "school_id", *COUNT_FIELDS
        )
    else:
        rows = (
            SchoolDay.objects.filter(
                **{column: unit.pk}, date__gte=period.start, date__lte=period.end
            )
            .values("school_id")
            .annotate(**school_day_sums())
        )
    present = F("present_boys") + F("present_girls") + F("present_third")
    enrolled = F("enrolled_boys") + F("enrolled_girls") + F("enrolled_third")
    rows = rows.annotate(
        share=ExpressionWrapper(Cast(present, FloatField()) / NullIf(enrolled, 0), FloatField())
    )
    if below is not None:
        rows = rows.filter(share__lt=below / 100)
    return rows.order_by(F("share").asc(nulls_last=True), "school_id")


def rows_of(found) -> list[Row]:
    """school_list() rows (a page of them) as Rows, with their schools' units."""
    found = list(found)
    names = OrgUnit.objects.in_bulk([r["school_id"] for r in found])
    return [
        Row(names[r["school_id"]], Figures.of(r), Figures())
        for r in found
        if r["school_id"] in names
    ]


def schools(unit: OrgUnit, period: Period, *, below: float | None = None) -> list[Row]:
    """Every school under the unit with its figures, as school_list() orders them."""
    return rows_of(school_list(unit, period, below=below))


def _weakest_first(row: Row):
    pct = row.now.attendance
    return (pct is None, pct if pct is not None else 0.0, row.unit.name_en)


def trend(unit: OrgUnit, end: datetime.date, days: int = TREND_DAYS):
    """[(day, Figures or None when no school was open)] for the `days` days up to `end`."""
    start = end - datetime.timedelta(days=days - 1)
    rows: QuerySet
    if unit.level == Level.SCHOOL:
        rows = SchoolDay.objects.filter(school_id=unit.pk, date__gte=start, date__lte=end)
        found = {
            r["date"]: Figures.of(r)
            for r in rows.values("date").annotate(**school_day_sums()).order_by()
        }
    else:
        rows = UnitDay.objects.filter(unit_id=unit.pk, date__gte=start, date__lte=end)
        found = {r["date"]: Figures.of(r) for r in rows.values("date", *sums().keys())}
    return [
        (day, found.get(day)) for day in (start + datetime.timedelta(days=i) for i in range(days))
    ]


def months(unit: OrgUnit, day: datetime.date, today: datetime.date):
    """[(first of month, Figures or None)] for the academic year containing `day`, up to today."""
    start = academic_year_start(day)
    end = min(datetime.date(start.year + 1, 3, 31), today)
    if unit.level == Level.SCHOOL:
        found = {
            r["month"]: Figures.of(r)
            for r in SchoolMonth.objects.filter(
                school_id=unit.pk, month__gte=start, month__lte=end
            ).values("month", *sums().keys())
        }
    else:
        found = {
            r["month"]: Figures.of(r)
            for r in UnitDay.objects.filter(unit_id=unit.pk, date__gte=start, date__lte=end)
            .annotate(month=TruncMonth("date"))
            .values("month")
            .annotate(**sums())
            .order_by()
        }
    out, month = [], start
    while month <= end:
        out.append((month, found.get(month)))
        month = next_month(month)
    return out


# --- Today -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    schools: int  # under the unit, open or not
    figures: Figures

    @property
    def closed(self) -> int:
        return self.schools - self.figures.schools_open


def today(unit: OrgUnit, day: datetime.date) -> Today:
    if unit.level == Level.SCHOOL:
        count = 1
        row = (
            SchoolDay.objects.filter(school_id=unit.pk, date=day)
            .values("school_id")
            .annotate(**school_day_sums())
            .first()
        )
    else:
        count = OrgUnit.objects.filter(
            level=Level.SCHOOL, **{ANCESTOR_FIELDS[unit.level]: unit.pk}
        ).count()
        row = UnitDay.objects.filter(unit_id=unit.pk, date=day).values(*sums().keys()).first()
    return Today(count, Figures.of(row))


@dataclass(frozen=True)
class Waiting:
    """A school open today that has not reported: whom to call."""

    school: School
    held: bool
    head_master: str


def not_reported(unit: OrgUnit, day: datetime.date) -> QuerySet:
    """Ids of the schools under the unit open on the day with nothing counted yet, by block
    and cluster (integers: a sort of the state's 40,000 at half past ten costs little)."""
    return (
        SchoolDay.objects.filter(**{_column(unit): unit.pk}, date=day, reported=False)
        .order_by("block_id", "cluster_id", "school_id")
        .values_list("school_id", flat=True)
    )


def schools_of(ids) -> list[School]:
    """The schools, with their units' block and cluster, in the order of `ids`."""
    ids = list(ids)
    found = School.objects.select_related("unit", "unit__block", "unit__cluster").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def waiting(schools: list[School], day: datetime.date) -> list[Waiting]:
    """The page of not_reported() to show: with each head master's name, and whether
    something was sent and waits for a review."""
    ids = [s.pk for s in schools]
    held = set(
        SchoolDay.objects.filter(school_id__in=ids, date=day, held=True).values_list(
            "school_id", flat=True
        )
    )
    heads = dict(
        User.objects.filter(unit_id__in=ids, role=Role.HEAD_MASTER, is_active=True)
        .order_by("unit_id", "username")
        .values_list("unit_id", "name")
    )
    return [Waiting(s, s.pk in held, heads.get(s.pk, "")) for s in schools]


# --- Weak and implausible ----------------------------------------------------------------------


def weak_units(rows: list[Row], threshold: float) -> list[Row]:
    """Children below the threshold, in attendance or in reporting, the weakest first."""
    weak = [
        r
        for r in rows
        if (r.now.attendance is not None and r.now.attendance < threshold)
        or (r.now.reporting is not None and r.now.reporting < threshold)
    ]
    return sorted(weak, key=_weakest_first)


@dataclass(frozen=True)
class Suspect:
    """A school whose reports over the period look made up rather than counted."""

    unit: OrgUnit
    days: int  # reported days in the period
    same_counts: bool  # the same boys, girls and third gender present on every one of them
    always_full: bool  # every enrolled child present on every one of them
    figures: Figures


def implausible(unit: OrgUnit, period: Period) -> list[Suspect]:
    """Schools under the unit with at least IMPLAUSIBLE_MIN_DAYS reported days in the period
    whose counts never change, or always equal the enrolment."""
    column = _column(unit)
    rows: QuerySet
    if period.kind == MONTH:
        rows = SchoolMonth.objects.filter(
            **{column: unit.pk}, month=period.start, reported__gte=IMPLAUSIBLE_MIN_DAYS
        ).values(*sums().keys(), "school_id", *_EXTREMES, "days_full")
    else:
        rows = (
            SchoolDay.objects.filter(
                **{column: unit.pk}, date__gte=period.start, date__lte=period.end
            )
            .values("school_id")
            # The flags first: they read the columns, which the sums' names then hide.
            .annotate(**_extremes(), days_full=_days_full())
            .annotate(**school_day_sums())
            .filter(reported__gte=IMPLAUSIBLE_MIN_DAYS)
            .order_by()
        )
    # Only the suspects leave the database (the state has 92,000 schools); the flags are
    # worked out again below for the page.
    same_q = Q(min_boys=F("max_boys"), min_girls=F("max_girls"), min_third=F("max_third")) & (
        Q(max_boys__gt=0) | Q(max_girls__gt=0) | Q(max_third__gt=0)
    )
    rows = rows.filter(same_q | Q(days_full=F("reported")))
    suspects = []
    found: list[dict] = list(cast(Any, rows))
    for r in found:
        same = all(r[f"min_{g}"] == r[f"max_{g}"] for g in ("boys", "girls", "third"))
        same = same and (r["max_boys"] or 0) + (r["max_girls"] or 0) + (r["max_third"] or 0) > 0
        full = r["days_full"] == r["reported"]
        if same or full:
            suspects.append((r["school_id"], r["reported"], same, full, Figures.of(r)))
    names = OrgUnit.objects.in_bulk([s[0] for s in suspects])
    return sorted(
        (Suspect(names[pk], days, same, full, figs) for pk, days, same, full, figs in suspects),
        key=lambda s: s.unit.name_en,
    )


_EXTREMES = [f"{how}_{g}" for g in ("boys", "girls", "third") for how in ("min", "max")]


def _extremes() -> dict:
    out: dict[str, Min | Max] = {}
    for g in ("boys", "girls", "third"):
        reported = Case(When(reported=True, then=f"present_{g}"))
        out[f"min_{g}"] = Min(reported)
        out[f"max_{g}"] = Max(reported)
    return out


def _days_full() -> Sum:
    """Reported days on which every enrolled child was present."""
    enrolled = F("enrolled_boys") + F("enrolled_girls") + F("enrolled_third")
    present = F("present_boys") + F("present_girls") + F("present_third")
    full = Q(reported=True) & Q(Exact(present, enrolled)) & Q(GreaterThan(enrolled, 0))
    return Sum(Case(When(full, then=Value(1)), default=Value(0)), output_field=IntegerField())


# --- One school --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRow:
    """One class over the period's reported days: its enrolment (the register), the children
    present summed over the days, and the enrolment summed over the same days."""

    class_no: int
    enrolled: tuple[int, int, int]  # boys, girls, third gender
    present: tuple[int, int, int]
    expected: tuple[int, int, int]  # enrolment × reported days
    days: int

    @property
    def boys(self) -> float | None:
        return percent(self.present[0], self.expected[0])

    @property
    def girls(self) -> float | None:
        return percent(self.present[1], self.expected[1])

    @property
    def attendance(self) -> float | None:
        return percent(sum(self.present), sum(self.expected))

    @property
    def enrolled_total(self) -> int:
        return sum(self.enrolled)

    @property
    def average_present(self) -> float | None:
        return sum(self.present) / self.days if self.days else None


def school_classes(school: School, period: Period) -> list[ClassRow]:
    """Class by class over the period's reported days, from the versions the rollups counted
    (SchoolDay.version_id), so that the classes add up to the school's figures."""
    counted = SchoolDay.objects.filter(
        school_id=school.pk, date__gte=period.start, date__lte=period.end, reported=True
    ).values_list("date", "version_id")
    days_by_year: dict[int, int] = defaultdict(int)
    versions = []
    for day, version_id in counted:
        days_by_year[academic_year_of(day)] += 1
        if version_id is not None:
            versions.append(version_id)
    present = {
        r["class_no"]: (r["b"], r["g"], r["t"])
        for r in ClassPresence.objects.filter(version_id__in=versions)
        .values("class_no")
        .annotate(b=Sum("boys"), g=Sum("girls"), t=Sum("third_gender"))
        .order_by()
    }
    year = academic_year_of(period.end)
    enrolled: dict[int, tuple[int, int, int]] = {}
    expected: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in Enrolment.objects.filter(
        school=school, academic_year__in=[year, *days_by_year]
    ).order_by("academic_year"):
        if e.academic_year == year:
            enrolled[e.class_no] = (e.boys, e.girls, e.third_gender)
        n = days_by_year.get(e.academic_year, 0)
        for i, count in enumerate((e.boys, e.girls, e.third_gender)):
            expected[e.class_no][i] += count * n
    return [
        ClassRow(
            class_no,
            enrolled.get(class_no, (0, 0, 0)),
            present.get(class_no, (0, 0, 0)),
            tuple(expected.get(class_no, [0, 0, 0])),  # type: ignore[arg-type]
            len(versions),
        )
        for class_no in sorted(set(school.classes) | set(present))
    ]


@dataclass(frozen=True)
class DayRow:
    day: datetime.date
    status: DayStatus
    figures: Figures | None  # None on a closed day
    reported: bool
    on_time: bool
    held: bool
    arrival: int = 0  # attendance.models.Arrival


def school_days(school: School, period: Period) -> list[DayRow]:
    """Each day of the period: open or closed (and why), and what the school reported."""
    calendar = school_calendar([school], period.start, period.end)
    rows = {
        r["date"]: r
        for r in SchoolDay.objects.filter(
            school_id=school.pk, date__gte=period.start, date__lte=period.end
        ).values()
    }
    out = []
    for day in period.days:
        status = calendar.status(school.pk, day)
        r = rows.get(day)
        figures = (
            Figures.of({**r, "schools_open": 1, "reported": int(r["reported"])}) if r else None
        )
        out.append(
            DayRow(
                day,
                status,
                figures,
                bool(r and r["reported"]),
                bool(r and r["on_time"]),
                bool(r and r["held"]),
                r["arrival"] if r else 0,
            )
        )
    return out


# --- By class ----------------------------------------------------------------------------------


def by_class(unit: OrgUnit, period: Period) -> list[ClassRow]:
    """The area's attendance class by class over a month's reported days (ClassMonth; for a
    day or a week there is none: [])."""
    if period.kind != MONTH:
        return []
    rows: QuerySet
    if unit.level == Level.SCHOOL:
        rows = ClassMonth.objects.filter(school_id=unit.pk, month=period.start)
    else:
        rows = UnitClassMonth.objects.filter(unit_id=unit.pk, month=period.start)
    rows = (
        rows.values("class_no")
        .annotate(
            d=Sum("days"),
            eb=Sum("enrolled_boys"),
            eg=Sum("enrolled_girls"),
            et=Sum("enrolled_third"),
            pb=Sum("present_boys"),
            pg=Sum("present_girls"),
            pt=Sum("present_third"),
        )
        .order_by("class_no")
    )
    return [
        ClassRow(
            r["class_no"],
            (0, 0, 0),
            (r["pb"], r["pg"], r["pt"]),
            (r["eb"], r["eg"], r["et"]),
            r["d"],
        )
        for r in rows
    ]
