import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazari.accounts import scope
from hazari.accounts.roles import is_officer, may_edit_calendar, may_remove_calendar_entry
from hazari.lib.http import AuthedRequest
from hazari.orgunits.models import Level, OrgUnit
from hazari.schooldays import services
from hazari.schooldays.days import school_calendar, session_on
from hazari.schooldays.forms import ClosureForm, TimetableForm, WorkingDayForm

# Entries that ended this many days ago are still listed: they can still be removed.
RECENT_DAYS = 7
UPCOMING_SCHOOL_DAYS = 14


def _concerning(unit: OrgUnit) -> Q:
    """Entries that apply to the unit or to something under it."""
    return Q(unit_id__in=unit.ancestor_ids()) | unit.subtree_q("unit__")


def _picker_units(user) -> list[OrgUnit]:
    """The user's unit and the units up to two levels below it: at most a few hundred. Other
    units are reached by their code."""
    if user.unit is None or not is_officer(user):
        return []
    return list(
        scope.units_for(user)
        .filter(level__lte=user.unit.level + 2)
        .order_by("level", "name_en")
        .only("pk", "level", "code", "name_en", "name_hi")
    )


def _page(
    request: AuthedRequest,
    unit: OrgUnit | None,
    *,
    closure_form: ClosureForm | None = None,
    working_form: WorkingDayForm | None = None,
    timetable_form: TimetableForm | None = None,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    ctx: dict[str, object] = {"unit": unit, "today": today}
    if unit is None:
        return render(request, "schooldays/calendar.html", ctx)
    since = today - datetime.timedelta(days=RECENT_DAYS)
    closures = (
        scope.closures_for(user)
        .filter(_concerning(unit), end__gte=since)
        .select_related("unit", "created_by")
        .order_by("start", "unit__level", "pk")
    )
    page = Paginator(closures, 100).get_page(request.GET.get("page"))
    working_days = (
        scope.working_days_for(user)
        .filter(_concerning(unit), day__gte=since)
        .select_related("unit", "created_by")
        .order_by("day", "unit__level", "pk")[:100]
    )
    timetables = (
        scope.timetables_for(user)
        .filter(_concerning(unit), end__gte=since)
        .select_related("unit", "created_by")
        .order_by("start", "unit__level", "pk")[:100]
    )
    may_edit = may_edit_calendar(user, unit)
    ctx.update(
        {
            "breadcrumbs": scope.crumbs_for(user, unit),
            "session": session_on(unit.state_id or unit.pk, today),
            "page": page,
            "closures": [(c, may_remove_calendar_entry(user, c)) for c in page],
            "working_days": [(w, may_remove_calendar_entry(user, w)) for w in working_days],
            "may_edit": may_edit,
            "closure_form": closure_form or (ClosureForm(unit) if may_edit else None),
            "working_form": working_form or (WorkingDayForm() if may_edit else None),
            "timetables": [(t, may_remove_calendar_entry(user, t)) for t in timetables],
            "timetable_form": timetable_form or (TimetableForm() if may_edit else None),
            "picker": _picker_units(user),
        }
    )
    if unit.level == Level.SCHOOL:
        end = today + datetime.timedelta(days=UPCOMING_SCHOOL_DAYS - 1)
        cal = school_calendar([unit], today, end)
        ctx["upcoming"] = list(zip(cal.days, cal.statuses(unit.pk), strict=True))
    return render(request, "schooldays/calendar.html", ctx)


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    """The calendar of the user's own unit. ?unit=<id> or ?code=<code> opens another unit of
    the user's area."""
    user = request.user
    if "unit" in request.GET:
        try:
            pk = int(request.GET["unit"])
        except ValueError:
            raise Http404("No such org unit in your area.") from None
        return redirect("calendar_unit", pk=scope.unit_for(user, pk).pk)
    code = request.GET.get("code", "").strip()
    if code:
        found = list(scope.units_for(user).filter(code=code)[:2])
        if len(found) == 1:
            return redirect("calendar_unit", pk=found[0].pk)
        messages.error(request, _("No unit with this code in your area."))
    return _page(request, user.unit)


@login_required
def calendar_unit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's calendar; a POST adds a closure for it."""
    unit = scope.unit_for(request.user, pk)
    if request.method != "POST":
        return _page(request, unit)
    if not may_edit_calendar(request.user, unit):
        raise PermissionDenied
    form = ClosureForm(unit, request.POST)
    if form.is_valid():
        try:
            services.closure_add(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The closure has been entered."))
            return redirect("calendar_unit", pk=unit.pk)
    return _page(request, unit, closure_form=form)


@login_required
@require_POST
def working_day_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    if not may_edit_calendar(request.user, unit):
        raise PermissionDenied
    form = WorkingDayForm(request.POST)
    if form.is_valid():
        try:
            services.working_day_add(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The working day has been entered."))
            return redirect("calendar_unit", pk=unit.pk)
    return _page(request, unit, working_form=form)


@login_required
@require_POST
def timetable_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = scope.unit_for(request.user, pk)
    if not may_edit_calendar(request.user, unit):
        raise PermissionDenied
    form = TimetableForm(request.POST)
    if form.is_valid():
        try:
            services.timetable_add(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("The timetable has been entered."))
            return redirect("calendar_unit", pk=unit.pk)
    return _page(request, unit, timetable_form=form)


@login_required
@require_POST
def timetable_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    timetable = scope.timetable_for(request.user, pk)
    if not may_remove_calendar_entry(request.user, timetable):
        raise PermissionDenied
    try:
        services.timetable_remove(actor=request.user, timetable=timetable)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The timetable has been removed."))
    return _back(request)


def _back(request: AuthedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("calendar")


@login_required
@require_POST
def closure_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    closure = scope.closure_for(request.user, pk)
    if not may_remove_calendar_entry(request.user, closure):
        raise PermissionDenied
    try:
        services.closure_remove(actor=request.user, closure=closure)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The closure has been removed."))
    return _back(request)


@login_required
@require_POST
def working_day_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    working_day = scope.working_day_for(request.user, pk)
    if not may_remove_calendar_entry(request.user, working_day):
        raise PermissionDenied
    try:
        services.working_day_remove(actor=request.user, working_day=working_day)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The working day has been removed."))
    return _back(request)
