from django.urls import path

from hazari.meals import views

urlpatterns = [
    path("meals/", views.home, name="meals"),
    path("meals/units/<int:pk>/", views.unit_overview, name="meals_unit"),
    path("meals/units/<int:pk>/flags/", views.unit_flags, name="meals_flags"),
    path(
        "meals/units/<int:pk>/export/<slug:table>.<slug:fmt>",
        views.unit_export,
        name="meals_unit_export",
    ),
    path("meals/schools/<int:pk>/", views.school, name="meals_school"),
    path(
        "meals/schools/<int:pk>/export/<slug:table>.<slug:fmt>",
        views.school_export,
        name="meals_school_export",
    ),
]
