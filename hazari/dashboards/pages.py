"""What each dashboard page shows: its figures, charts and tables, built for a unit the view
has already scoped (hazari.accounts.scope). The same builder serves the page and the
download of any of its tables, so a file never holds more, or other, rows than the page."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.attendance.models import Arrival
from hazari.dashboards import charts, selectors
from hazari.dashboards.figures import Figures
from hazari.dashboards.periods import DAY, Period
from hazari.dashboards.selectors import Row
from hazari.dashboards.tables import Change, Link, Pct, Table
from hazari.orgunits.models import Level, OrgUnit, School

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How a reported day's first report arrived, as the school's day-by-day table says it.
ARRIVAL_STATUS: dict[int, "StrOrPromise"] = {
    Arrival.ON_TIME: gettext_lazy("Reported on time"),
    Arrival.LATE: gettext_lazy("Reported late"),
    Arrival.LATE_OFFLINE: gettext_lazy("Reported late (saved in time on the phone)"),
    Arrival.AFTER_CLOSE: gettext_lazy("Reported late (received after the cut-off)"),
}


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    table: Table


def query(period: Period, **extra: str) -> str:
    return urlencode({"period": period.kind, "date": period.start.isoformat(), **extra})


def unit_url(unit: OrgUnit, period: Period | None = None, page: str = "dashboard_unit") -> str:
    if unit.level == Level.SCHOOL and page == "dashboard_unit":
        page = "dashboard_school"
    url = reverse(page, args=[unit.pk])
    return f"{url}?{query(period)}" if period else url


def _short_date(day: datetime.date) -> str:
    return formats.date_format(day, "j M")


def _month(day: datetime.date) -> str:
    return formats.date_format(day, "M Y")


def unit_columns() -> list[str]:
    return [
        _("Name"),
        _("School-days open"),
        _("Reported %"),
        _("On time %"),
        _("Attendance %"),
        _("Previous period %"),
        _("Change (points)"),
        _("Boys %"),
        _("Girls %"),
        _("Teachers present %"),
    ]


def unit_cells(row: Row, period: Period, link: Link | None = None) -> list[object]:
    f = row.now
    return [
        link or Link(row.unit.name, unit_url(row.unit, period)),
        f.schools_open,
        Pct(f.reporting),
        Pct(f.on_time_share),
        Pct(f.attendance),
        Pct(row.before.attendance),
        Change(row.change),
        Pct(f.boys),
        Pct(f.girls),
        Pct(f.staff),
    ]


def _label(unit: OrgUnit) -> str:
    return unit.name


# --- The overview of a unit ----------------------------------------------------------------------


def overview(user: User, unit: OrgUnit, asked: Period, today: datetime.date) -> dict:
    period, before = selectors.periods(unit, asked)
    now, then = selectors.totals(unit, period, before)
    kids = scope.units_for(user).children_of(unit).order_by("name_en")
    rows = selectors.children(kids, unit, period, before)

    children = Table("children", _("By unit, one level down"), unit_columns())
    links = {row.unit.pk: Link(row.unit.name, unit_url(row.unit, period)) for row in rows}
    for row in rows:
        children.add(*unit_cells(row, period, links[row.unit.pk]))

    ranked = sorted(rows, key=lambda r: (r.now.attendance is None, -(r.now.attendance or 0)))
    ranking = Table("ranking", _("Ranking by attendance"), ["#", _("Name"), _("Attendance %")])
    for i, row in enumerate(ranked, start=1):
        ranking.add(i, links[row.unit.pk], Pct(row.now.attendance))
    gender = Table(
        "boys-girls", _("Boys and girls"), [_("Name"), _("Boys %"), _("Girls %"), _("Gap (points)")]
    )
    for row in rows:
        gap = (
            None if row.now.boys is None or row.now.girls is None else row.now.girls - row.now.boys
        )
        gender.add(
            links[row.unit.pk],
            Pct(row.now.boys),
            Pct(row.now.girls),
            Change(gap),
        )

    trend_chart = trend(unit, period.end)
    months_chart = months(unit, period.end, today)
    classes_chart = by_class(unit, period)
    names = [_label(r.unit) for r in ranked]
    charts_ = {
        "ranking": Chart(
            charts.ranking(
                names,
                [charts.Series(_("Attendance %"), [r.now.attendance for r in ranked], "bar")],
                title=_("Ranking by attendance"),
                description=_("Attendance % of each unit one level down, highest first."),
                threshold=selectors.WEAK_THRESHOLD,
            ),
            ranking,
        ),
        "gender": Chart(
            charts.ranking(
                [_label(r.unit) for r in rows],
                [
                    charts.Series(_("Boys %"), [r.now.boys for r in rows], "bar-boys"),
                    charts.Series(_("Girls %"), [r.now.girls for r in rows], "bar-girls"),
                ],
                title=_("Boys and girls"),
                description=_("Attendance % of boys and of girls in each unit one level down."),
            ),
            gender,
        ),
        "trend": trend_chart,
        "months": months_chart,
        "classes": classes_chart,
    }
    return {
        "unit": unit,
        "period": period,
        "before": before,
        "now": now,
        "then": then,
        "tables": [
            children,
            ranking,
            gender,
            trend_chart.table,
            months_chart.table,
            classes_chart.table,
        ],
        "children": children,
        "charts": charts_,
        "child_level": Level(unit.level + 1).label if unit.level < Level.SCHOOL else "",
    }


def trend(unit: OrgUnit, end: datetime.date) -> Chart:
    points = selectors.trend(unit, end)
    table = Table(
        "trend",
        _("The last 30 days"),
        [_("Date"), _("Schools open"), _("Reported %"), _("Attendance %"), _("Teachers present %")],
    )
    for day, f in points:
        if f is not None:
            table.add(day, f.schools_open, Pct(f.reporting), Pct(f.attendance), Pct(f.staff))
    svg = charts.line(
        [_short_date(d) for d, _f in points],
        [
            charts.Series(
                _("Attendance %"),
                [f.attendance if f else None for _d, f in points],
                "line-attendance",
            ),
            charts.Series(
                _("Reported %"), [f.reporting if f else None for _d, f in points], "line-reporting"
            ),
        ],
        title=_("The last 30 days"),
        description=_("Attendance % and reported % day by day; gaps are days with no school open."),
    )
    return Chart(svg, table)


def months(unit: OrgUnit, day: datetime.date, today: datetime.date) -> Chart:
    points = selectors.months(unit, day, today)
    table = Table(
        "months",
        _("Months of the academic year"),
        [
            _("Month"),
            _("School-days open"),
            _("Reported %"),
            _("Attendance %"),
            _("Boys %"),
            _("Girls %"),
        ],
    )
    for month, f in points:
        if f is not None:
            table.add(
                _month(month),
                f.schools_open,
                Pct(f.reporting),
                Pct(f.attendance),
                Pct(f.boys),
                Pct(f.girls),
            )
    svg = charts.columns(
        [formats.date_format(m, "M") for m, _f in points],
        [f.attendance if f else None for _m, f in points],
        title=_("Months of the academic year"),
        description=_("Attendance % month by month since April."),
    )
    return Chart(svg, table)


def by_class(unit: OrgUnit, period: Period) -> Chart:
    """The area's attendance class by class (a month's: ClassMonth)."""
    rows = selectors.by_class(unit, period)
    table = Table(
        "by-class",
        _("By class"),
        [_("Class"), _("Days reported"), _("Attendance %"), _("Boys %"), _("Girls %")],
    )
    for c in rows:
        table.add(c.class_no, c.days, Pct(c.attendance), Pct(c.boys), Pct(c.girls))
    svg = charts.columns(
        [str(c.class_no) for c in rows],
        [c.attendance for c in rows],
        title=_("By class"),
        description=_("Attendance % of each class over the month's reported school-days."),
    )
    return Chart(svg, table)


# --- Today --------------------------------------------------------------------------------------


def today_page(user: User, unit: OrgUnit, day: datetime.date) -> dict:
    state = selectors.today(unit, day)
    kids = scope.units_for(user).children_of(unit).order_by("name_en")
    period = Period.of(DAY, day, day)
    rows = selectors.children(kids, unit, period, period)
    children = Table(
        "today-children",
        _("Today, one level down"),
        [
            _("Name"),
            _("Schools open"),
            _("Reported on time"),
            _("Reported late"),
            _("Late, saved in time on the phone"),
            _("Received after the cut-off"),
            _("Waiting for review"),
            _("Not reported yet"),
            _("Reported %"),
            _("Attendance %"),
            _("Teachers present %"),
        ],
    )
    for row in rows:
        f = row.now
        children.add(
            Link(row.unit.name, unit_url(row.unit, period)),
            f.schools_open,
            f.on_time,
            f.late,
            f.late_offline,
            f.after_close + f.after_close_held,
            f.held,
            f.not_reported,
            Pct(f.reporting),
            Pct(f.attendance),
            Pct(f.staff),
        )
    return {
        "unit": unit,
        "day": day,
        "state": state,
        "f": state.figures,
        "children": children,
        "period": period,
    }


def not_reported_table(unit: OrgUnit, day: datetime.date, schools: list[School]) -> Table:
    table = Table(
        "not-reported",
        _("Schools that have not reported"),
        [
            _("School"),
            _("UDISE"),
            _("Block"),
            _("Cluster"),
            _("Head master"),
            _("Mobile"),
            _("Status"),
        ],
        numeric_from=99,
    )
    for w in selectors.waiting(schools, day):
        u = w.school.unit
        table.add(
            Link(u.name, unit_url(u, Period.of(DAY, day, day))),
            u.code,
            u.block.name if u.block else "",
            u.cluster.name if u.cluster else "",
            w.head_master,
            w.school.hm_mobile,
            _("Sent, waiting for review") if w.held else _("Not reported"),
        )
    return table


# --- Every school -----------------------------------------------------------------------------


def school_columns() -> list[str]:
    return [
        "#",
        _("School"),
        _("UDISE"),
        _("School-days open"),
        _("Reported %"),
        _("On time %"),
        _("Attendance %"),
        _("Boys %"),
        _("Girls %"),
        _("Teachers present %"),
    ]


def school_cells(i: int, row: Row, period: Period) -> list[object]:
    f = row.now
    return [
        i,
        Link(row.unit.name, unit_url(row.unit, period)),
        row.unit.code,
        f.schools_open,
        Pct(f.reporting),
        Pct(f.on_time_share),
        Pct(f.attendance),
        Pct(f.boys),
        Pct(f.girls),
        Pct(f.staff),
    ]


def schools_table(rows: list[Row], period: Period, first: int = 1) -> Table:
    table = Table(
        "schools", _("Every school, lowest attendance first"), school_columns(), numeric_from=3
    )
    for i, row in enumerate(rows, start=first):
        table.add(*school_cells(i, row, period))
    return table


# --- Weak and implausible --------------------------------------------------------------------


WEAK_SHOWN = 100  # schools on the page; the download has them all


def weak_page(
    user: User, unit: OrgUnit, asked: Period, threshold: float, *, everything: bool = False
) -> dict:
    period, before = selectors.periods(unit, asked)
    kids = scope.units_for(user).children_of(unit).order_by("name_en")
    rows = selectors.children(kids, unit, period, before)
    units = Table("weak-units", _("Units below the threshold"), unit_columns())
    for row in selectors.weak_units(rows, threshold):
        units.add(*unit_cells(row, period))
    below = selectors.school_list(unit, period, below=threshold)
    weak_count = below.count()
    weak = selectors.rows_of(below if everything else below[:WEAK_SHOWN])
    schools = Table(
        "weak-schools", _("Schools below the threshold"), school_columns(), numeric_from=3
    )
    for i, row in enumerate(weak, start=1):
        schools.add(*school_cells(i, row, period))
    silent = selectors.school_list(unit, period).filter(reported=0).count()
    suspects = Table(
        "implausible",
        _("Reports that look implausible"),
        [
            _("School"),
            _("UDISE"),
            _("Days reported"),
            _("Same counts every day"),
            _("Everyone present every day"),
            _("Attendance %"),
        ],
        numeric_from=2,
    )
    suspected = selectors.implausible(unit, period)
    for s in suspected if everything else suspected[:WEAK_SHOWN]:
        suspects.add(
            Link(s.unit.name, unit_url(s.unit, period)),
            s.unit.code,
            s.days,
            s.same_counts,
            s.always_full,
            Pct(s.figures.attendance),
        )
    return {
        "unit": unit,
        "period": period,
        "threshold": threshold,
        "units": units,
        "schools": schools,
        "suspects": suspects,
        "silent": silent,
        "weak_count": weak_count,
        "suspect_count": len(suspected),
        "tables": [units, schools, suspects],
        "min_days": selectors.IMPLAUSIBLE_MIN_DAYS,
    }


# --- One school ------------------------------------------------------------------------------


def school_page(school: School, asked: Period, today: datetime.date) -> dict:
    unit = school.unit
    period, before = selectors.periods(unit, asked)
    now, then = selectors.totals(unit, period, before)
    classes = Table(
        "classes",
        _("Class by class"),
        [
            _("Class"),
            _("Enrolled"),
            _("Days reported"),
            _("Present on average"),
            _("Attendance %"),
            _("Boys %"),
            _("Girls %"),
        ],
    )
    for c in selectors.school_classes(school, period):
        classes.add(
            c.class_no,
            c.enrolled_total,
            c.days,
            None if c.average_present is None else round(c.average_present, 1),
            Pct(c.attendance),
            Pct(c.boys),
            Pct(c.girls),
        )
    days = Table(
        "days",
        _("Day by day"),
        [
            _("Date"),
            _("Status"),
            _("Present (boys)"),
            _("Present (girls)"),
            _("Present (third gender)"),
            _("Attendance %"),
            _("Teachers present %"),
        ],
        numeric_from=2,
    )
    for d in selectors.school_days(school, period):
        f = d.figures
        if not d.status.open:
            status = d.status.label
        elif d.reported:
            status = str(ARRIVAL_STATUS.get(d.arrival, _("Reported late")))
        elif d.held:
            status = (
                _("Received after the cut-off, waiting for review")
                if d.arrival == Arrival.AFTER_CLOSE
                else _("Sent, waiting for review")
            )
        else:
            status = _("Not reported")
        reported = f is not None and d.reported
        days.add(
            d.day,
            status,
            f.present_boys if reported and f else None,
            f.present_girls if reported and f else None,
            f.present_third if reported and f else None,
            Pct(f.attendance if f else None),
            Pct(f.staff if f else None),
        )
    trend_chart = trend(unit, period.end)
    months_chart = months(unit, period.end, today)
    return {
        "unit": unit,
        "school": school,
        "period": period,
        "before": before,
        "now": now,
        "then": then,
        "classes": classes,
        "days": days,
        "charts": {"trend": trend_chart, "months": months_chart},
        "tables": [classes, days, trend_chart.table, months_chart.table],
    }


def totals_rows(now: Figures, then: Figures) -> list[tuple[str, float | None, float | None]]:
    """The headline figures with the previous period's, for the page's summary."""
    return [
        (_("Attendance"), now.attendance, then.attendance),
        (_("Boys"), now.boys, then.boys),
        (_("Girls"), now.girls, then.girls),
        (_("Reported"), now.reporting, then.reporting),
        (_("On time"), now.on_time_share, then.on_time_share),
        (_("Teachers present"), now.staff, then.staff),
    ]
