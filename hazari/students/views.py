"""Students who miss school, for the officers and the school.

    /absence/                                     the user's own unit
    /absence/units/<id>/?period=session|month&date=   chronic and severe absentees: one
                                                  level down, boys and girls, by class, and
                                                  the follow-up (to follow up, no action,
                                                  came back after an action)
    /absence/units/<id>/causes/                   the causes recorded, by month, class,
                                                  gender and one level down
    /absence/units/<id>/export/<table>.<csv|xlsx> any table of those two pages
    /students/school/<id>/followup/               a school's children to follow up, by name
    /students/cluster/<id>/followup/              a cluster's, school by school, by name
    …/followup/export/followup.<csv|xlsx>         the same rows as a file

Every unit and school comes through the access layer (scope.unit_for / scope.school_for: 404
outside the user's area). The officers' pages show counts only (the rollups of
hazari.students.rollup). Children are named only on a school's and a cluster's lists: a
minor's personal data, shown inside the school's own area where someone must act; every
download of those is recorded (NamedListDownload: who, when, which unit, how many rows).
"""

import datetime
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazari.accounts import scope
from hazari.accounts.roles import may_see_children_by_name, may_see_guardian_mobile
from hazari.dashboards.periods import MONTH as MONTH_PERIOD
from hazari.dashboards.periods import Period
from hazari.dashboards.tables import Table, file_name, only, respond
from hazari.dashboards.views import own_unit, show
from hazari.lib.http import AuthedRequest
from hazari.orgunits.models import Level, OrgUnit, School
from hazari.students import pages, selectors, services, tables
from hazari.students.figures import MONTH, SESSION, Span
from hazari.students.models import RollupState

FORMATS = ("csv", "xlsx")


def _named_list_school(request: AuthedRequest, pk: int) -> School:
    school = scope.school_for(request.user, pk)
    _check_may_see_names(request)
    return school


def _check_may_see_names(request: AuthedRequest) -> None:
    if not may_see_children_by_name(request.user):
        raise PermissionDenied(_("Your role does not see children by name."))


@login_required
def school_followup(request: AuthedRequest, pk: int) -> HttpResponse:
    school = _named_list_school(request, pk)
    today = timezone.localdate()
    table = tables.followup_table(
        selectors.followup_list(school, today=today),
        mobiles=may_see_guardian_mobile(request.user, school.pk),
    )
    ctx = {
        "school": school,
        "unit": school.unit,
        "breadcrumbs": scope.crumbs_for(request.user, school.unit),
        "today": today,
        "t": table,
        "limits": selectors.DEFAULT_LIMITS,
        "export_view": "school_followup_export",
    }
    return render(request, "students/followup.html", ctx)


@login_required
def school_followup_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    school = _named_list_school(request, pk)
    return _named_download(
        request,
        school.unit,
        table,
        fmt,
        lambda today: tables.followup_table(
            selectors.followup_list(school, today=today),
            mobiles=may_see_guardian_mobile(request.user, school.pk),
        ),
    )


@login_required
def cluster_followup(request: AuthedRequest, pk: int) -> HttpResponse:
    cluster = _cluster_for(request, pk)
    today = timezone.localdate()
    ctx = {
        "unit": cluster,
        "breadcrumbs": scope.crumbs_for(request.user, cluster),
        "t": _cluster_table(cluster, today),
        "limits": selectors.DEFAULT_LIMITS,
        "as_of": RollupState.objects.values_list("refreshed_at", flat=True).first(),
        "export_view": "cluster_followup_export",
    }
    return render(request, "students/followup.html", ctx)


@login_required
def cluster_followup_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    cluster = _cluster_for(request, pk)
    return _named_download(
        request, cluster, table, fmt, lambda today: _cluster_table(cluster, today)
    )


def _named_download(
    request: AuthedRequest,
    unit: OrgUnit,
    table: str,
    fmt: str,
    build: Callable[[datetime.date], Table],
) -> HttpResponse:
    """A named list as a file, its download on record (who, when, which unit, how many)."""
    if table != tables.FOLLOWUP or fmt not in FORMATS:
        raise Http404("No such table.")
    today = timezone.localdate()
    found = build(today)
    services.named_list_download_record(
        user=request.user, unit=unit, what=table, file_format=fmt, rows=len(found.rows)
    )
    return respond(found, fmt, file_name(unit.code, table, today.isoformat()))


def _cluster_for(request: AuthedRequest, pk: int) -> OrgUnit:
    """A cluster of the user's area: names are shown no higher than a cluster."""
    unit = scope.unit_for(request.user, pk)
    if unit.level != Level.CLUSTER:
        raise Http404("Children are listed by name for a school or a cluster only.")
    _check_may_see_names(request)
    return unit


def _cluster_table(cluster: OrgUnit, today: datetime.date) -> Table:
    schools = list(School.objects.under(cluster).select_related("unit").order_by("unit__name_en"))
    # From the standings the officers' figures keep: a cluster's children's marks of the
    # session are ~40,000 month rows, too many to read on every page.
    rows = selectors.followup_lists(schools, today=today, kept=True)
    names = {school.pk: school.unit.name for school in schools}
    return tables.followup_table(
        [row for school in schools for row in rows[school.pk]], schools=names
    )


# --- The officers' pages: counts only --------------------------------------------------------


def span_asked(request: AuthedRequest, today: datetime.date) -> Span:
    kind = request.GET.get("period", SESSION)
    kind = kind if kind in (SESSION, MONTH) else SESSION
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = today
    return Span.of(kind, max(day, datetime.date(2000, 1, 1)), today)


def _show(request: AuthedRequest, template: str, unit: OrgUnit, span: Span, tab: str, build):
    today = timezone.localdate()
    return show(
        request,
        template,
        unit=unit,
        # The dashboards' frame wants a period; the pages' own head shows the span.
        period=Period.of(MONTH_PERIOD, span.start, today),
        tab=tab,
        build=build,
        extra={
            # The head is kept for everyone who opens the unit; the link to the named list
            # is only for some roles, so they get a head of their own.
            "keep": "&names=1" if may_see_children_by_name(request.user) else "",
            "span": span,
            "query": pages.query(span),
            "crumb_view": "absence_unit",
            "spans": {SESSION: _("The session so far"), MONTH: _("A month")},
            "named_list": _named_list_url(request, unit),
        },
        head_template="students/absence_head.html",
    )


def _named_list_url(request: AuthedRequest, unit: OrgUnit) -> str:
    if not may_see_children_by_name(request.user):
        return ""
    if unit.level == Level.SCHOOL:
        return reverse("school_followup", args=[unit.pk])
    if unit.level == Level.CLUSTER:
        return reverse("cluster_followup", args=[unit.pk])
    return ""


@login_required
def absence_home(request: AuthedRequest) -> HttpResponse:
    return redirect("absence_unit", pk=own_unit(request).pk)


@login_required
def absence_unit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    today = timezone.localdate()
    span = span_asked(request, today)
    return _show(
        request,
        "students/absence.html",
        unit,
        span,
        "absence",
        lambda: pages.absentees(request.user, unit, span, today),
    )


@login_required
def absence_causes(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    today = timezone.localdate()
    span = span_asked(request, today)
    return _show(
        request,
        "students/causes.html",
        unit,
        span,
        "absence_causes",
        lambda: pages.causes_page(request.user, unit, span, today),
    )


@login_required
def absence_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    today = timezone.localdate()
    span = span_asked(request, today)
    found = only(
        [
            *pages.absentees(request.user, unit, span, today)["tables"],
            *pages.causes_page(request.user, unit, span, today)["tables"],
        ],
        table,
    )
    if found is None or fmt not in FORMATS:
        raise Http404("No such table.")
    return respond(found, fmt, file_name(unit.code, table, span.kind, span.start.isoformat()))
