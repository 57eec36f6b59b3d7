from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hazari.accounts import scope
from hazari.accounts.roles import may_manage_postings
from hazari.lib.http import AuthedRequest
from hazari.staff import services
from hazari.staff.forms import PostingAddForm, PostingEndForm
from hazari.staff.history import school_history
from hazari.staff.models import COMMON_DESIGNATIONS

RECENTLY_ENDED = 20


@login_required
def staff_list(request: AuthedRequest, pk: int) -> HttpResponse:
    school = scope.school_for(request.user, pk)
    postings = scope.postings_for(request.user).at(school)
    ctx = {
        "school": school,
        "current": postings.current().order_by("name", "employee_code"),
        "ended": postings.filter(end_date__isnull=False).order_by("-end_date", "name")[
            :RECENTLY_ENDED
        ],
        "may_manage": may_manage_postings(request.user),
    }
    return render(request, "staff/list.html", ctx)


@login_required
def staff_add(request: AuthedRequest, pk: int) -> HttpResponse:
    school = scope.school_for(request.user, pk)
    if not may_manage_postings(request.user):
        raise PermissionDenied
    form = PostingAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_add(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request,
                _("%(name)s is now posted at this school.") % {"name": posting.name},
            )
            return redirect("staff_list", pk=school.pk)
    ctx = {"school": school, "form": form, "designations": COMMON_DESIGNATIONS}
    return render(request, "staff/add.html", ctx)


@login_required
def posting_end(request: AuthedRequest, pk: int) -> HttpResponse:
    posting = scope.posting_for(request.user, pk)
    if not may_manage_postings(request.user):
        raise PermissionDenied
    form = PostingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.posting_end(actor=request.user, posting=posting, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, _("The posting of %(name)s has been ended.") % {"name": posting.name}
            )
            return redirect("staff_list", pk=posting.school_id)
    return render(request, "staff/end.html", {"posting": posting, "form": form})


@login_required
def staff_history(request: AuthedRequest, pk: int) -> HttpResponse:
    school = scope.school_for(request.user, pk)
    page = Paginator(school_history(school), 50).get_page(request.GET.get("page"))
    return render(request, "staff/history.html", {"school": school, "page": page})
