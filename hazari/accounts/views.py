from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazari.accounts import scope, services
from hazari.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    ResetConfirmForm,
    ResetRequestForm,
)
from hazari.accounts.roles import may_reset_password
from hazari.lib.http import AuthedRequest

login_view = LoginView.as_view(
    form_class=LoginForm, template_name="accounts/login.html", redirect_authenticated_user=True
)


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ValidationError as e:
            form.add_error("new_password1", e)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def password_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reset_code_send(user_id=form.cleaned_data["user_id"], request=request)
        # The same answer for known and unknown IDs.
        messages.info(
            request,
            _("If this user ID has a mobile number, a code has been sent to it by SMS."),
        )
        query = urlencode({"id": form.cleaned_data["user_id"]})
        return redirect(f"{reverse('password_reset_confirm')}?{query}")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    form = ResetConfirmForm(request.POST or None, initial={"user_id": request.GET.get("id", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_with_code(
                user_id=form.cleaned_data["user_id"],
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except services.ResetError as e:
            form.add_error(None, str(e))
        except ValidationError as e:
            form.add_error("new_password1", e)
        else:
            messages.success(request, _("Your password has been reset. Log in with it now."))
            return redirect("login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    account = scope.account_for(request.user, pk)
    ctx = {"account": account, "may_reset": may_reset_password(request.user, account)}
    return render(request, "accounts/user_detail.html", ctx)


@login_required
@require_POST
def user_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    account = scope.account_for(request.user, pk)
    if not may_reset_password(request.user, account):
        raise PermissionDenied
    password = services.password_reset_by_officer(
        actor=request.user, target=account, request=request
    )
    # Shown once, on this response only: it is never stored in clear.
    return render(
        request, "accounts/user_reset_done.html", {"account": account, "password": password}
    )


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)
