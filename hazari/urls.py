from django.contrib import admin
from django.urls import include, path

from hazari.api.api import api

urlpatterns = [
    path("", include("hazari.front.urls")),
    path("", include("hazari.accounts.urls")),
    path("", include("hazari.imports.urls")),
    path("", include("hazari.registers.urls")),
    path("", include("hazari.staff.urls")),
    path("", include("hazari.schooldays.urls")),
    path("", include("hazari.attendance.urls")),
    path("", include("hazari.app.urls")),
    path("", include("hazari.dashboards.urls")),
    path("", include("hazari.meals.urls")),
    path("", include("hazari.students.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
