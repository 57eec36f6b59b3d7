from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hazari.accounts.models import normalize_user_id


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user ID or the password is wrong."),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User ID")
        self.fields["username"].help_text = _("Employee code, or the school's UDISE code.")
        self.fields["username"].widget.attrs.update(autocapitalize="characters")
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        # Normalised before authenticate() sees it, so that django-axes counts "ab12" and
        # "AB12" as the same user ID.
        return normalize_user_id(self.cleaned_data.get("username", ""))


class ResetRequestForm(forms.Form):
    user_id = forms.CharField(label=_("User ID"), max_length=32)

    def clean_user_id(self) -> str:
        return normalize_user_id(self.cleaned_data["user_id"])


class _NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password1") != data.get("new_password2"):
            raise ValidationError({"new_password2": _("The two passwords do not match.")})
        return data


class ResetConfirmForm(_NewPasswordForm):
    user_id = forms.CharField(label=_("User ID"), max_length=32)
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["user_id", "code", "new_password1", "new_password2"]

    def clean_user_id(self) -> str:
        return normalize_user_id(self.cleaned_data["user_id"])


class PasswordChangeForm(_NewPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The current password is wrong."))
        return password
