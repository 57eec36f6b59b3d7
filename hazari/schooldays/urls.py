from django.urls import path

from hazari.schooldays import views

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/units/<int:pk>/", views.calendar_unit, name="calendar_unit"),
    path(
        "calendar/units/<int:pk>/working-days/",
        views.working_day_add,
        name="calendar_working_day_add",
    ),
    path(
        "calendar/units/<int:pk>/timetables/",
        views.timetable_add,
        name="calendar_timetable_add",
    ),
    path("calendar/closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
    path(
        "calendar/timetables/<int:pk>/remove/",
        views.timetable_remove,
        name="timetable_remove",
    ),
    path(
        "calendar/working-days/<int:pk>/remove/",
        views.working_day_remove,
        name="working_day_remove",
    ),
]
