from django.urls import path

from hazari.students import views

urlpatterns = [
    path("students/school/<int:pk>/followup/", views.school_followup, name="school_followup"),
    path(
        "students/school/<int:pk>/followup/export/<slug:table>.<slug:fmt>",
        views.school_followup_export,
        name="school_followup_export",
    ),
]
