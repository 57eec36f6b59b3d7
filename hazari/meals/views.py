"""The mid-day meal reports. Like the dashboards (and with their frame, periods and tables),
every unit and school comes through the access layer (scope.unit_for / scope.school_for: 404
outside the user's area), and each download is built by the code that builds its page.

    /meals/                                the user's own unit (or school)
    /meals/units/<id>/                     a period's meals, one level down, reasons, charts
    /meals/units/<id>/flags/               schools with flags, the most flagged first
    /meals/schools/<id>/                   one school, day by day, with its flags
    …/export/<table>.<csv|xlsx>            any table of those pages, every row

The flags' limits (days in a row, days in a month, days equal to enrolment) can be set on the
page; hazari.meals.flags.Limits has the defaults.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode

from hazari.accounts import scope
from hazari.dashboards.periods import MONTH
from hazari.dashboards.tables import Table, file_name, only, respond
from hazari.dashboards.views import own_unit, period_asked, show
from hazari.lib.http import AuthedRequest
from hazari.meals import pages
from hazari.meals.flags import Limits
from hazari.orgunits.models import Level

LIMIT_RANGE = (1, 31)


def _limits(request: AuthedRequest) -> Limits:
    """The flags' limits asked for on the page, each kept within 1–31 days."""
    default = Limits()
    values = {}
    for name in ("run_days", "month_days", "same_days", "unrecorded_days"):
        try:
            value = int(request.GET.get(name, getattr(default, name)))
        except ValueError:
            value = getattr(default, name)
        values[name] = min(max(value, LIMIT_RANGE[0]), LIMIT_RANGE[1])
    return Limits(**values)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    return redirect(pages.unit_url(own_unit(request)))


@login_required
def unit_overview(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    if unit.level == Level.SCHOOL:
        return redirect(f"{pages.unit_url(unit)}?{request.GET.urlencode()}")
    today = timezone.localdate()
    period, limits = period_asked(request, today), _limits(request)

    def build() -> dict:
        ctx = pages.overview(request.user, unit, period, today, limits)
        ctx["totals"] = pages.totals_rows(ctx["now"], ctx["then"])
        return ctx

    return _show(request, "meals/unit.html", unit, period, limits, "meals", build)


@login_required
def unit_flags(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    period, limits = period_asked(request, timezone.localdate()), _limits(request)
    return _show(
        request,
        "meals/flags.html",
        unit,
        period,
        limits,
        "meal_flags",
        lambda: pages.flags_page(unit, period, limits),
    )


@login_required
def school(request: AuthedRequest, pk: int) -> HttpResponse:
    found = scope.school_for(request.user, pk)
    today = timezone.localdate()
    period, limits = period_asked(request, today, default=MONTH), _limits(request)

    def build() -> dict:
        ctx = pages.school_page(found, period, today, limits)
        ctx["totals"] = pages.totals_rows(ctx["now"], ctx["then"])
        return ctx

    return _show(request, "meals/school.html", found.unit, period, limits, "meals", build)


def _show(
    request: AuthedRequest, template: str, unit, period, limits: Limits, tab: str, build
) -> HttpResponse:
    """The dashboards' page frame around the meals' figures (kept until the rollups' next
    refresh, as the dashboards' are), with the flags' limits in the period form."""
    # Kept on the links to the period before and after.
    keep = "&" + urlencode(
        {
            "run_days": limits.run_days,
            "month_days": limits.month_days,
            "same_days": limits.same_days,
            "unrecorded_days": limits.unrecorded_days,
        }
    )
    extra = {"limits": limits, "limit_range": LIMIT_RANGE, "keep": keep}
    return show(request, template, unit=unit, period=period, tab=tab, build=build, extra=extra)


# --- Downloads -------------------------------------------------------------------------------


def _unit_tables(request: AuthedRequest, pk: int, name: str) -> tuple[str, list[Table]]:
    unit = scope.unit_for(request.user, pk)
    today = timezone.localdate()
    period = period_asked(request, today)
    if name == "meal-flags":
        return unit.code, pages.flags_page(unit, period, _limits(request), everything=True)[
            "tables"
        ]
    if unit.level == Level.SCHOOL:
        return unit.code, []
    return unit.code, pages.overview(request.user, unit, period, today, _limits(request))["tables"]


def _export(table: Table | None, fmt: str, request: AuthedRequest, *parts: str) -> HttpResponse:
    if table is None or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    day = request.GET.get("date", timezone.localdate().isoformat())
    return respond(table, fmt, file_name(*parts, request.GET.get("period", ""), day))


@login_required
def unit_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    code, tables = _unit_tables(request, pk, table)
    return _export(only(tables, table), fmt, request, code, table)


@login_required
def school_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    found = scope.school_for(request.user, pk)
    today = timezone.localdate()
    period = period_asked(request, today, default=MONTH)
    tables = pages.school_page(found, period, today, _limits(request))["tables"]
    return _export(only(tables, table), fmt, request, found.unit.code, table)
