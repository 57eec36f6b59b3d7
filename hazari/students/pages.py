"""What the officers' pages of absence show, as tables and charts (the same tables are the
downloads): chronic and severe absentees one level down, by boys and girls, by class, and the
follow-up (on the list, no action, came back); the causes recorded by month, class, gender and
unit. Counts only: no child is named on these pages (the named lists are a school's and a
cluster's, hazari.students.views).
"""

import datetime

from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.dashboards import charts
from hazari.dashboards.pages import Chart
from hazari.dashboards.tables import Link, Pct, Table
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import Gender
from hazari.students import figures
from hazari.students.figures import Span
from hazari.students.models import Cause
from hazari.students.rollup import Counts


def query(span: Span) -> str:
    return urlencode({"period": span.kind, "date": span.start.isoformat()})


def unit_url(unit: OrgUnit, span: Span, page: str = "absence_unit") -> str:
    return f"{reverse(page, args=[unit.pk])}?{query(span)}"


def _month(day: datetime.date) -> str:
    return formats.date_format(day, "M Y")


def columns() -> list[str]:
    return [
        _("Name"),
        _("Children marked"),
        _("Chronically absent"),
        _("Chronic %"),
        _("Severely absent"),
        _("Severe %"),
        _("Attendance %"),
        _("To follow up"),
        _("No action"),
        _("Came back after an action"),
    ]


def cells(name: object, c: Counts) -> list[object]:
    return [
        name,
        c.students,
        c.chronic,
        Pct(c.chronic_pct),
        c.severe,
        Pct(c.severe_pct),
        Pct(c.attendance),
        c.to_follow_up,
        c.no_action,
        c.came_back,
    ]


def _gender_label(code: str) -> str:
    return str(Gender(code).label) if code in Gender.values else code


def absentees(user: User, unit: OrgUnit, span: Span, today: datetime.date) -> dict:
    """The absentees page of a unit: its totals, one level down ranked, boys and girls, by
    class."""
    total = figures.totals(unit, span)
    tables: list[Table] = []
    charts_: dict[str, Chart] = {}
    if unit.level < Level.SCHOOL:
        kids = {k.pk: k for k in scope.units_for(user).children_of(unit)}
        by_kid = figures.children(unit, span)
        rows = sorted(
            ((kids[pk], figures.summed(g.values()), g) for pk, g in by_kid.items() if pk in kids),
            key=lambda r: (r[1].chronic_pct is None, -(r[1].chronic_pct or 0), r[0].name_en),
        )
        ranked = Table("children", _("Chronic absence, one level down, worst first"), columns())
        for kid, counts, _g in rows:
            ranked.add(*cells(Link(kid.name, unit_url(kid, span)), counts))
        tables.append(ranked)
        charts_["ranking"] = Chart(
            charts.ranking(
                [kid.name for kid, _c, _g in rows],
                [
                    charts.Series(_("Chronic %"), [c.chronic_pct for _k, c, _g in rows], "bar"),
                    charts.Series(_("Severe %"), [c.severe_pct for _k, c, _g in rows], "bar-girls"),
                ],
                title=_("Chronic absence, one level down, worst first"),
                description=_(
                    "Per cent of the children marked who missed at least 10 % (chronic) and "
                    "20 % (severe) of their days, in each unit one level down."
                ),
            ),
            ranked,
        )
        gender = Table(
            "boys-girls",
            _("Boys and girls: chronic %"),
            [_("Name"), _("Boys: chronic %"), _("Girls: chronic %")],
        )
        for kid, _c, g in rows:
            gender.add(
                kid.name,
                Pct(g.get(Gender.BOY, Counts()).chronic_pct),
                Pct(g.get(Gender.GIRL, Counts()).chronic_pct),
            )
        tables.append(gender)
        charts_["gender"] = Chart(
            charts.ranking(
                [kid.name for kid, _c, _g in rows],
                [
                    charts.Series(
                        _("Boys %"),
                        [g.get(Gender.BOY, Counts()).chronic_pct for _k, _c, g in rows],
                        "bar-boys",
                    ),
                    charts.Series(
                        _("Girls %"),
                        [g.get(Gender.GIRL, Counts()).chronic_pct for _k, _c, g in rows],
                        "bar-girls",
                    ),
                ],
                title=_("Boys and girls: chronic %"),
                description=_("Chronic absence of boys and of girls in each unit one level down."),
            ),
            gender,
        )
    classes = figures.by_class(unit, span)
    by_class = Table("by-class", _("By class"), [_("Class"), *columns()[1:]])
    for class_no, c in classes.items():
        by_class.add(*cells(class_no, c))
    tables.append(by_class)
    charts_["classes"] = Chart(
        charts.columns(
            [str(k) for k in classes],
            [c.chronic_pct for c in classes.values()],
            title=_("Chronic absence by class"),
            description=_("Per cent of each class's children marked who are chronically absent."),
        ),
        by_class,
    )
    genders = figures.by_gender(unit, span)
    by_gender = Table("by-gender", _("By gender"), [_("Gender"), *columns()[1:]])
    for code, c in genders.items():
        by_gender.add(*cells(_gender_label(code), c))
    tables.append(by_gender)
    return {"total": total, "tables": tables, "charts": charts_, "span": span}


def causes_page(user: User, unit: OrgUnit, span: Span, today: datetime.date) -> dict:
    """The causes study of a unit: causes by month (seasonal migration shows in its months),
    by class, by gender and one level down."""
    months = span.months(today)
    rows = figures.causes(unit, months)
    names = {c.value: str(c.label) for c in Cause}
    order = [c.value for c in Cause]

    by_month = Table(
        "causes-by-month",
        _("Causes recorded, by month"),
        [_("Cause"), *(_month(m) for m in months), _("Total")],
    )
    grid = {(r.cause, r.month): 0 for r in rows}
    for r in rows:
        grid[(r.cause, r.month)] += r.students
    totals = {cause: sum(grid.get((cause, m), 0) for m in months) for cause in order}
    for cause in order:
        if totals[cause]:
            by_month.add(names[cause], *(grid.get((cause, m), 0) for m in months), totals[cause])
    all_causes = sum(totals.values())
    charts_ = {
        "causes": Chart(
            charts.ranking(
                [names[c] for c in order if totals[c]],
                [
                    charts.Series(
                        _("Share of causes recorded %"),
                        [100.0 * totals[c] / all_causes for c in order if totals[c]],
                        "bar",
                    )
                ],
                title=_("Causes recorded"),
                description=_("Each cause's share of the causes recorded in the period."),
            ),
            by_month,
        )
    }
    tables = [by_month]
    if len(months) > 1:
        migration = [grid.get((Cause.MIGRATION, m), 0) for m in months]
        peak = max(migration) or 1
        by_season = Table(
            "migration-by-month",
            _("Seasonal migration, month by month"),
            [_("Month"), _("Children")],
        )
        for month, n in zip(months, migration, strict=True):
            by_season.add(_month(month), n)
        tables.append(by_season)
        charts_["migration"] = Chart(
            charts.columns(
                [_month(m) for m in months],
                [100.0 * n / peak for n in migration],
                title=_("Seasonal migration, month by month"),
                description=_(
                    "Children whose absence was put down to seasonal migration each month, "
                    "as a per cent of the busiest month."
                ),
            ),
            by_season,
        )
    by_class = Table("causes-by-class", _("Causes by class"), [_("Class"), *names.values()])
    classes = sorted({r.class_no for r in rows})
    for class_no in classes:
        counts = dict.fromkeys(order, 0)
        for r in rows:
            if r.class_no == class_no:
                counts[r.cause] += r.students
        by_class.add(class_no, *counts.values())
    by_gender = Table("causes-by-gender", _("Causes by gender"), [_("Gender"), *names.values()])
    for code in Gender.values:
        counts = dict.fromkeys(order, 0)
        for r in rows:
            if r.gender == code:
                counts[r.cause] += r.students
        if any(counts.values()):
            by_gender.add(_gender_label(code), *counts.values())
    tables += [by_class, by_gender]
    if unit.level < Level.SCHOOL:
        kids = {k.pk: k for k in scope.units_for(user).children_of(unit).order_by("name_en")}
        found = figures.causes_of_children(unit, months)
        by_kid = Table("causes-by-unit", _("Causes one level down"), [_("Name"), *names.values()])
        for pk, kid in kids.items():
            if pk in found:
                by_kid.add(
                    Link(kid.name, unit_url(kid, span, "absence_causes")),
                    *(found[pk].get(c, 0) for c in order),
                )
        tables.append(by_kid)
    return {"tables": tables, "charts": charts_, "span": span, "months": months}
