"""The follow-up list of a school, by name, for its staff and the officers above it.

    /students/school/<id>/followup/                         the children to follow up
    /students/school/<id>/followup/export/followup.<csv|xlsx>   the same rows as a file

The school comes through the access layer (scope.school_for: 404 outside the user's area).
The list names children (a minor's personal data), so every download is recorded: who,
when, which school, how many rows (NamedListDownload).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hazari.accounts import scope
from hazari.dashboards.tables import file_name, respond
from hazari.lib.http import AuthedRequest
from hazari.students import selectors, services, tables

FORMATS = ("csv", "xlsx")


@login_required
def school_followup(request: AuthedRequest, pk: int) -> HttpResponse:
    school = scope.school_for(request.user, pk)
    today = timezone.localdate()
    table = tables.followup_table(selectors.followup_list(school, today=today))
    ctx = {
        "school": school,
        "unit": school.unit,
        "breadcrumbs": scope.crumbs_for(request.user, school.unit),
        "today": today,
        "t": table,
        "limits": selectors.DEFAULT_LIMITS,
    }
    return render(request, "students/followup.html", ctx)


@login_required
def school_followup_export(request: AuthedRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    school = scope.school_for(request.user, pk)
    if table != tables.FOLLOWUP or fmt not in FORMATS:
        raise Http404("No such table.")
    today = timezone.localdate()
    found = tables.followup_table(selectors.followup_list(school, today=today))
    services.named_list_download_record(
        user=request.user, unit=school.unit, what=table, file_format=fmt, rows=len(found.rows)
    )
    return respond(found, fmt, file_name(school.unit.code, table, today.isoformat()))
