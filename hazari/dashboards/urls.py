from django.urls import path

from hazari.dashboards import views

urlpatterns = [
    path("dashboard/", views.home, name="dashboard"),
    path("dashboard/units/<int:pk>/", views.unit_overview, name="dashboard_unit"),
    path("dashboard/units/<int:pk>/today/", views.unit_today, name="dashboard_today"),
    path("dashboard/units/<int:pk>/schools/", views.unit_schools, name="dashboard_schools"),
    path("dashboard/units/<int:pk>/weak/", views.unit_weak, name="dashboard_weak"),
    path(
        "dashboard/units/<int:pk>/export/<slug:table>.<slug:fmt>",
        views.unit_export,
        name="dashboard_unit_export",
    ),
    path("dashboard/schools/<int:pk>/", views.school, name="dashboard_school"),
    path(
        "dashboard/schools/<int:pk>/export/<slug:table>.<slug:fmt>",
        views.school_export,
        name="dashboard_school_export",
    ),
]
