from django.urls import path

from hazari.attendance import views

urlpatterns = [
    path("schools/<int:pk>/attendance/", views.attendance_day, name="attendance_day"),
    path("attendance/held/", views.held_list, name="attendance_held"),
    path(
        "attendance/versions/<int:pk>/approve/",
        views.version_approve,
        name="attendance_version_approve",
    ),
    path(
        "attendance/versions/<int:pk>/dismiss/",
        views.version_dismiss,
        name="attendance_version_dismiss",
    ),
]
