from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hazari.accounts.roles import is_officer, may_import, may_review_attendance


def navigation(request: HttpRequest) -> dict:
    """The links in the page header, by what the user may do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.unit is None:
        return {"nav": []}
    links = [(_("Home"), reverse("home"))]
    if is_officer(user):
        links.append((_("My area"), reverse("unit_detail", args=[user.unit.pk])))
    else:
        links.append((_("My school"), reverse("unit_detail", args=[user.unit.pk])))
        links.append((_("Today's attendance"), reverse("attendance_day", args=[user.unit.pk])))
    links.append((_("Dashboard"), reverse("dashboard")))
    links.append((_("Holidays"), reverse("calendar")))
    if may_review_attendance(user):
        links.append((_("Held attendance"), reverse("attendance_held")))
    if may_import(user):
        links.append((_("Imports"), reverse("import_list")))
    return {"nav": links}
