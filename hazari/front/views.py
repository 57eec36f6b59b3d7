from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from hazari.accounts import scope
from hazari.accounts.roles import is_officer
from hazari.lib.http import AuthedRequest
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.selectors import enrolment_table


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    unit = request.user.unit
    ctx: dict[str, object] = {"unit": unit, "is_officer": is_officer(request.user)}
    if unit is not None:
        ctx["ancestors"] = OrgUnit.objects.filter(pk__in=unit.ancestor_ids()).order_by("level")
        ctx["children_count"] = scope.units_for(request.user).children_of(unit).count()
    return render(request, "front/home.html", ctx)


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    children = scope.units_for(request.user).children_of(unit).order_by("name_en")
    page = Paginator(children, 100).get_page(request.GET.get("page"))
    school = getattr(unit, "school", None) if unit.level == Level.SCHOOL else None
    ctx = {
        "unit": unit,
        "breadcrumbs": scope.crumbs_for(request.user, unit),
        "page": page,
        "school": school,
        "enrolment": enrolment_table(school) if school else None,
        "accounts": scope.users_for(request.user).filter(unit=unit).order_by("role", "name")
        if is_officer(request.user)
        else [],
    }
    return render(request, "front/unit_detail.html", ctx)
