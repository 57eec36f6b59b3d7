from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from hazari.accounts.models import AccountEvent, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "name", "role", "unit")


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "name", "mobile"]
    ordering = ["username"]
    raw_id_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "mobile", "role", "unit")}),
        (
            _("Access"),
            {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser")},
        ),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "name", "role", "unit", "password1", "password2")}),
    )


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "user", "actor", "ip_address"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "actor"]
