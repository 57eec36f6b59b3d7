"""The officers' dashboards. Every unit and school comes through the access layer
(scope.unit_for / scope.school_for: 404 outside the user's area), and so does every row of
every table and download, which are built by the same code as the page (hazari.dashboards.pages).

    /dashboard/                               the user's own unit (or school)
    /dashboard/units/<id>/                    a period's figures, one level down, charts
    /dashboard/units/<id>/today/              who has reported today, and whom to call
    /dashboard/units/<id>/schools/            every school of the unit, lowest first
    /dashboard/units/<id>/weak/               below the threshold; implausible reports
    /dashboard/schools/<id>/                  one school: class by class, day by day
    …/export/<table>.<csv|xlsx>               any table of those pages, every row
"""

import datetime
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from hazari.accounts import scope
from hazari.dashboards import keep, pages, selectors
from hazari.dashboards.periods import DAY, KINDS, MONTH, Period
from hazari.dashboards.tables import Table, file_name, only, respond
from hazari.lib.http import AuthedRequest
from hazari.orgunits.models import Level, OrgUnit

# The figures are refreshed every few seconds; older than this, the page says so.
STALE_AFTER = datetime.timedelta(minutes=5)
EARLIEST = datetime.date(2000, 1, 1)
NOT_REPORTED_PER_PAGE = 50
SCHOOLS_PER_PAGE = 100


class Counted:
    """A query with its count already known, for the paginator."""

    def __init__(self, rows, count: int) -> None:
        self.rows, self.known = rows, count

    def count(self) -> int:
        return self.known

    def __getitem__(self, index):
        return self.rows[index]


def period_asked(request: AuthedRequest, today: datetime.date, default: str = MONTH) -> Period:
    kind = request.GET.get("period", default)
    kind = kind if kind in KINDS else default
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = today
    # No figures before the first sessions; far earlier dates would overflow the arithmetic.
    return Period.of(kind, max(day, EARLIEST), today)


def _threshold(request: AuthedRequest) -> float:
    try:
        value = float(request.GET.get("threshold", selectors.WEAK_THRESHOLD))
    except ValueError:
        value = selectors.WEAK_THRESHOLD
    return min(max(value, 1.0), 100.0)


def frame(request: AuthedRequest, unit: OrgUnit, period: Period, tab: str) -> dict:
    """What every dashboard page (and mid-day meal page) shows around its figures."""
    refreshed, runs = selectors.refreshed()
    now = timezone.now()
    earlier = period.before()
    later_start = period.end + datetime.timedelta(days=1)
    return {
        "crumbs": scope.crumbs_for(request.user, unit),
        "tab": tab,
        "kinds": KINDS,
        "refreshed_at": refreshed,
        "runs": runs,
        "stale": refreshed is None or now - refreshed > STALE_AFTER,
        "earlier": pages.query(earlier) if tab != "today" else "",
        "later": pages.query(Period.of(period.kind, later_start, timezone.localdate()))
        if later_start <= timezone.localdate() and tab != "today"
        else "",
        "query": pages.query(period),
        # Where the crumbs lead: the same kind of page, for the unit above.
        "crumb_view": "meals_unit" if tab.startswith("meal") else "dashboard_unit",
    }


def show(
    request: AuthedRequest,
    template: str,
    *,
    unit: OrgUnit,
    period: Period,
    tab: str,
    build: Callable[[], dict],
    extra: dict | None = None,
    head_template: str = "dashboards/head.html",
) -> HttpResponse:
    """A dashboard page: the frame (the header, crumbs and freshness: the user's own) around
    its head (tabs, the period form: dashboards/head.html) and figures
    (`<template>_figures.html` with what `build` returns), which are the same for everyone
    who may open the unit (an area holds every unit below the ones it holds): they are
    rendered once per run of the refresher and kept (hazari.dashboards.keep)."""
    extra = extra or {}
    around = {**frame(request, unit, period, tab), **extra, "unit": unit, "period": period}
    # What the figures depend on, as parsed (not the query string as typed: another spelling
    # of the same page is the same page), and what their download links carry.
    threshold = extra.get("threshold")
    around["export_query"] = (
        around["query"]
        + (f"&threshold={threshold:g}" if threshold is not None else "")
        + extra.get("keep", "")
    )
    key = keep.key_of(
        "head+figures",  # what is kept: another shape is another key
        template,
        head_template,
        unit.pk,
        translation.get_language(),
        around["export_query"],
        request.GET.get("page", ""),
        # Without a date the period is today's: a new day is another page.
        timezone.localdate(),
    )

    given = dict(around)  # the request goes on changing `around`; a render behind may not

    def render_figures() -> tuple[str, str]:
        ctx = {**given, **build()}
        return (
            render_to_string(head_template, ctx, request),
            render_to_string(template.replace(".html", "_figures.html"), ctx, request),
        )

    kept = keep.figures(
        key, runs=around["runs"], refreshed_at=around["refreshed_at"], render=render_figures
    )
    head, figures = kept.html
    around["refreshed_at"] = kept.refreshed_at
    return render(
        request,
        template,
        {**around, "head": mark_safe(head), "figures": mark_safe(figures)},  # noqa: S308
    )


def own_unit(request: AuthedRequest) -> OrgUnit:
    """The unit (or school) the user's account is attached to: where their pages start."""
    if request.user.unit is None:
        raise Http404("Your account has no unit.")
    return request.user.unit


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    return redirect(pages.unit_url(own_unit(request)))


@login_required
def unit_overview(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    if unit.level == Level.SCHOOL:
        return redirect(f"{reverse('dashboard_school', args=[pk])}?{request.GET.urlencode()}")
    today = timezone.localdate()
    period = period_asked(request, today)

    def build() -> dict:
        ctx = pages.overview(request.user, unit, period, today)
        ctx["totals"] = pages.totals_rows(ctx["now"], ctx["then"])
        return ctx

    return show(
        request, "dashboards/unit.html", unit=unit, period=period, tab="overview", build=build
    )


@login_required
def unit_today(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    today = timezone.localdate()

    def build() -> dict:
        ctx = pages.today_page(request.user, unit, today)
        # How many: known from today's figures, so the paginator need not count them again.
        f = ctx["f"]
        ids = Counted(selectors.not_reported(unit, today), f.schools_open - f.reported)
        page: Page = Paginator(ids, NOT_REPORTED_PER_PAGE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
        ctx["page"] = page
        schools = selectors.schools_of(page.object_list)
        ctx["waiting"] = pages.not_reported_table(unit, today, schools)
        return ctx

    return show(
        request,
        "dashboards/today.html",
        unit=unit,
        period=Period.of(DAY, today, today),
        tab="today",
        build=build,
    )


@login_required
def unit_schools(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    period = period_asked(request, timezone.localdate())

    def build() -> dict:
        found = selectors.school_list(unit, period)
        page = Paginator(found, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
        first = (page.number - 1) * SCHOOLS_PER_PAGE + 1
        rows = selectors.rows_of(page.object_list)
        return {"page": page, "schools": pages.schools_table(rows, period, first)}

    return show(
        request, "dashboards/schools.html", unit=unit, period=period, tab="schools", build=build
    )


@login_required
def unit_weak(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    period = period_asked(request, timezone.localdate())
    threshold = _threshold(request)
    return show(
        request,
        "dashboards/weak.html",
        unit=unit,
        period=period,
        tab="weak",
        build=lambda: pages.weak_page(request.user, unit, period, threshold),
        extra={"threshold": threshold},
    )


@login_required
def school(request: AuthedRequest, pk: int) -> HttpResponse:
    found = scope.school_for(request.user, pk)
    today = timezone.localdate()
    period = period_asked(request, today, default=MONTH)

    def build() -> dict:
        ctx = pages.school_page(found, period, today)
        ctx["totals"] = pages.totals_rows(ctx["now"], ctx["then"])
        return ctx

    return show(
        request,
        "dashboards/school.html",
        unit=found.unit,
        period=period,
        tab="school",
        build=build,
        extra={"school": found},
    )


# --- Downloads -------------------------------------------------------------------------------


def _unit_tables(request: AuthedRequest, unit: OrgUnit, name: str) -> list[Table]:
    today = timezone.localdate()
    if name in ("children", "ranking", "boys-girls", "trend", "months", "by-class"):
        return pages.overview(request.user, unit, period_asked(request, today), today)["tables"]
    if name == "today-children":
        return [pages.today_page(request.user, unit, today)["children"]]
    if name == "not-reported":
        schools = selectors.schools_of(selectors.not_reported(unit, today))
        return [pages.not_reported_table(unit, today, schools)]
    if name == "schools":
        period = period_asked(request, today)
        return [pages.schools_table(selectors.schools(unit, period), period)]
    if name in ("weak-units", "weak-schools", "implausible"):
        page = pages.weak_page(
            request.user, unit, period_asked(request, today), _threshold(request), everything=True
        )
        return page["tables"]
    return []


def _export(table: Table | None, fmt: str, *parts: str) -> HttpResponse:
    if table is None or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    return respond(table, fmt, file_name(*parts))


@login_required
def unit_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    found = only(_unit_tables(request, unit, table), table)
    day = request.GET.get("date", timezone.localdate().isoformat())
    return _export(found, fmt, unit.code, table, request.GET.get("period", ""), day)


@login_required
def school_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    found = scope.school_for(request.user, pk)
    today = timezone.localdate()
    tables = pages.school_page(found, period_asked(request, today), today)["tables"]
    day = request.GET.get("date", today.isoformat())
    return _export(
        only(tables, table), fmt, found.unit.code, table, request.GET.get("period", ""), day
    )
