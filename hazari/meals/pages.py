"""What each mid-day meal page shows: figures, charts and tables, for a unit or school the view
has already scoped (hazari.accounts.scope). As with the dashboards, the same builder serves
the page and the download of any of its tables."""

import datetime

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.attendance.models import MealsNotServed
from hazari.dashboards import charts
from hazari.dashboards import selectors as dash
from hazari.dashboards.figures import Figures
from hazari.dashboards.models import NOT_SERVED_FIELDS
from hazari.dashboards.pages import Chart, query
from hazari.dashboards.periods import Period
from hazari.dashboards.tables import Link, Pct, Table
from hazari.meals import selectors
from hazari.meals.flags import Flag, Limits
from hazari.orgunits.models import Level, OrgUnit, School

FLAG_LABELS = {
    "not_served": gettext_lazy("No meal served"),
    "not_served_run": gettext_lazy("No meal, days in a row"),
    "not_served_month": gettext_lazy("No meal, many days in the month"),
    "meals_without_attendance": gettext_lazy("Meals without attendance"),
    "meals_equal_enrolment": gettext_lazy("Meals equal to enrolment day after day"),
    "not_recorded": gettext_lazy("Meals not recorded"),
}
FLAGGED_SHOWN = 100  # schools on the flags page; the download has them all


def unit_url(unit: OrgUnit, period: Period | None = None) -> str:
    name = "meals_school" if unit.level == Level.SCHOOL else "meals_unit"
    url = reverse(name, args=[unit.pk])
    return f"{url}?{query(period)}" if period else url


def _reason_labels() -> dict[str, str]:
    labels = {str(v): str(label) for v, label in MealsNotServed.choices}
    labels[MealsNotServed.OTHER] = _("Other")  # the form's label asks for a note
    return labels


def overview(user: User, unit: OrgUnit, asked: Period, today: datetime.date, limits: Limits):
    period, before = dash.periods(unit, asked)
    now, then = dash.totals(unit, period, before)
    kids = scope.units_for(user).children_of(unit).order_by("name_en")
    rows = dash.children(kids, unit, period, before)
    flagged = selectors.flagged(unit, period, limits)
    by_child: dict[int, int] = {}
    for school in flagged:
        by_child[school.child_id] = by_child.get(school.child_id, 0) + 1

    children = Table(
        "meal-children",
        _("By unit, one level down"),
        [
            _("Name"),
            _("Meal days"),
            _("Beneficiaries"),
            _("Meals served"),
            _("Difference"),
            _("Meals % of beneficiaries"),
            _("Previous period %"),
            _("Days served %"),
            _("Days not served"),
            _("Days not recorded"),
            _("Schools with exceptions"),
        ],
    )
    links = {r.unit.pk: Link(r.unit.name, unit_url(r.unit, period)) for r in rows}
    for r in rows:
        f = r.now
        children.add(
            links[r.unit.pk],
            f.meal_days,
            f.meal_present_recorded,
            f.meals_served,
            f.meals_short,
            Pct(f.meals_share),
            Pct(r.before.meals_share),
            Pct(f.meal_days_served_share),
            f.meal_days_not_served,
            f.meal_days_unrecorded,
            by_child.get(r.unit.pk, 0),
        )

    # The weakest first: the smallest share of meal days on which a meal was served.
    ranked = sorted(
        (r for r in rows if r.now.meal_days),
        key=lambda r: (r.now.meal_days_served_share or 0.0, r.unit.name_en),
    )
    ranking = Table(
        "meal-ranking",
        _("Days served, lowest first"),
        ["#", _("Name"), _("Days served %"), _("Days not served")],
    )
    for i, r in enumerate(ranked, start=1):
        ranking.add(
            i, links[r.unit.pk], Pct(r.now.meal_days_served_share), r.now.meal_days_not_served
        )

    reasons_chart = reasons(now)
    trend_chart = trend(unit, period.end)
    months_chart = months(unit, period.end, today)
    return {
        "unit": unit,
        "period": period,
        "before": before,
        "now": now,
        "then": then,
        "exceptions": len(flagged),
        "children": children,
        "charts": {
            "ranking": Chart(
                charts.ranking(
                    [r.unit.name for r in ranked],
                    [
                        charts.Series(
                            _("Days served %"),
                            [r.now.meal_days_served_share for r in ranked],
                            "bar",
                        )
                    ],
                    title=_("Days served, lowest first"),
                    description=_(
                        "The share of meal days on which a meal was served, for each unit one "
                        "level down, lowest first."
                    ),
                ),
                ranking,
            ),
            "reasons": reasons_chart,
            "trend": trend_chart,
            "months": months_chart,
        },
        "tables": [children, ranking, reasons_chart.table, trend_chart.table, months_chart.table],
        "child_level": Level(unit.level + 1).label if unit.level < Level.SCHOOL else "",
    }


def reasons(f: Figures) -> Chart:
    """Why no meal was served, the commonest reason first."""
    labels = _reason_labels()
    total = f.meal_days_not_served
    counted = sorted(
        ((labels[reason], getattr(f, field)) for reason, field in NOT_SERVED_FIELDS.items()),
        key=lambda x: -x[1],
    )
    table = Table(
        "meal-reasons",
        _("Why no meal was served"),
        [_("Reason"), _("Days not served"), _("Share of the days not served %")],
    )
    for label, days in counted:
        table.add(label, days, Pct(100.0 * days / total if total else None))
    svg = charts.ranking(
        [label for label, _days in counted],
        [
            charts.Series(
                _("Share of the days not served %"),
                [100.0 * d / total if total else None for _label, d in counted],
                "bar",
            )
        ],
        title=_("Why no meal was served"),
        description=_("Each reason's share of the school-days on which no meal was served."),
    )
    return Chart(svg, table)


def trend(unit: OrgUnit, end: datetime.date) -> Chart:
    points = dash.trend(unit, end)
    table = Table(
        "meal-trend",
        _("The last 30 days"),
        [
            _("Date"),
            _("Meal days"),
            _("Beneficiaries"),
            _("Meals served"),
            _("Meals % of beneficiaries"),
            _("Days served %"),
            _("Days not recorded"),
        ],
    )
    for day, f in points:
        if f is not None and f.meal_days:
            table.add(
                day,
                f.meal_days,
                f.meal_present_recorded,
                f.meals_served,
                Pct(f.meals_share),
                Pct(f.meal_days_served_share),
                f.meal_days_unrecorded,
            )
    svg = charts.line(
        [formats.date_format(d, "j M") for d, _f in points],
        [
            charts.Series(
                _("Meals % of beneficiaries"),
                [f.meals_share if f else None for _d, f in points],
                "line-attendance",
            ),
            charts.Series(
                _("Days served %"),
                [f.meal_days_served_share if f else None for _d, f in points],
                "line-reporting",
            ),
        ],
        title=_("The last 30 days"),
        description=_(
            "Meals served as a share of the children present in classes 1–8, and the share of "
            "meal days on which a meal was served, day by day."
        ),
    )
    return Chart(svg, table)


def months(unit: OrgUnit, day: datetime.date, today: datetime.date) -> Chart:
    points = dash.months(unit, day, today)
    table = Table(
        "meal-months",
        _("Months of the academic year"),
        [
            _("Month"),
            _("Beneficiaries"),
            _("Meals served"),
            _("Meals % of beneficiaries"),
            _("Days not served"),
            _("Days not recorded"),
        ],
    )
    for month, f in points:
        if f is not None and f.meal_days:
            table.add(
                formats.date_format(month, "M Y"),
                f.meal_present_recorded,
                f.meals_served,
                Pct(f.meals_share),
                f.meal_days_not_served,
                f.meal_days_unrecorded,
            )
    svg = charts.columns(
        [formats.date_format(m, "M") for m, _f in points],
        [f.meals_share if f else None for _m, f in points],
        title=_("Months of the academic year"),
        description=_("Meals served as a share of the children present in classes 1–8."),
    )
    return Chart(svg, table)


def totals_rows(now: Figures, then: Figures) -> list[tuple[str, float | None, float | None]]:
    return [
        (_("Meals % of beneficiaries"), now.meals_share, then.meals_share),
        (_("Days served %"), now.meal_days_served_share, then.meal_days_served_share),
    ]


# --- Flags ----------------------------------------------------------------------------------


def flag_label(flag: Flag) -> str:
    return str(FLAG_LABELS[flag.code])


def flags_columns() -> list[str]:
    return [
        _("School"),
        _("UDISE"),
        _("Block"),
        _("Cluster"),
        _("Flag"),
        _("From"),
        _("To"),
        _("School-days"),
    ]


def flags_page(unit: OrgUnit, period: Period, limits: Limits, *, everything: bool = False):
    found = selectors.flagged(unit, period, limits)
    shown = found if everything else found[:FLAGGED_SHOWN]
    ids = [f.school_id for f in shown]
    flags = selectors.flags_of(ids, period, limits)
    schools = School.objects.select_related("unit", "unit__block", "unit__cluster").in_bulk(ids)
    table = Table("meal-flags", _("Schools with flags"), flags_columns(), numeric_from=7)
    for school_id in ids:
        school = schools.get(school_id)
        if school is None:
            continue
        u = school.unit
        for flag in flags.get(school_id, []):
            table.add(
                Link(u.name, unit_url(u, period)),
                u.code,
                u.block.name if u.block else "",
                u.cluster.name if u.cluster else "",
                flag_label(flag),
                flag.start,
                flag.end,
                flag.days,
            )
    return {
        "unit": unit,
        "period": period,
        "limits": limits,
        "flagged_count": len(found),
        "shown_count": len(shown),
        "flags": table,
        "tables": [table],
    }


# --- One school -------------------------------------------------------------------------------


def school_page(school: School, asked: Period, today: datetime.date, limits: Limits) -> dict:
    unit = school.unit
    period, before = dash.periods(unit, asked)
    now, then = dash.totals(unit, period, before)
    reasons_ = _reason_labels()
    found = selectors.flags_of([school.pk], period, limits).get(school.pk, [])
    flagged_on: dict[datetime.date, list[str]] = {}
    for flag in found:
        if flag.code in ("not_served", "meals_without_attendance"):
            flagged_on.setdefault(flag.start, []).append(str(FLAG_LABELS[flag.code]))
    rows = selectors.school_meal_days(school.pk, period)
    days = Table(
        "meal-days",
        _("Day by day"),
        [
            _("Date"),
            _("Status"),
            _("Present in classes 1–8"),
            _("Meals served"),
            _("Difference"),
            _("No meal because"),
            _("Flag"),
        ],
        numeric_from=2,
    )
    for day in period.days:
        d = rows.get(day)
        if d is None:
            continue  # not a school day
        if d.reported:
            status = _("Reported")
        elif d.held:
            status = _("Sent, waiting for review")
        else:
            status = _("Not reported")
        days.add(
            day,
            status,
            d.present if d.reported else None,
            d.meals,
            d.present - d.meals if d.reported and d.meals is not None else None,
            reasons_.get(d.reason, "") if d.reason else "",
            ", ".join(flagged_on.get(day, [])),
        )
    flags = Table(
        "meal-school-flags",
        _("Flags"),
        [_("Flag"), _("From"), _("To"), _("School-days")],
        numeric_from=3,
    )
    for flag in found:
        flags.add(flag_label(flag), flag.start, flag.end, flag.days)
    trend_chart = trend(unit, period.end)
    months_chart = months(unit, period.end, today)
    return {
        "unit": unit,
        "school": school,
        "period": period,
        "before": before,
        "now": now,
        "then": then,
        "days": days,
        "flags": flags,
        "exceptions": 1 if found else 0,
        "charts": {"trend": trend_chart, "months": months_chart},
        "tables": [days, flags, trend_chart.table, months_chart.table],
    }
