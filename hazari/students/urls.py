from django.urls import path

from hazari.students import views

urlpatterns = [
    path("absence/", views.absence_home, name="absence"),
    path("absence/units/<int:pk>/", views.absence_unit, name="absence_unit"),
    path("absence/units/<int:pk>/causes/", views.absence_causes, name="absence_causes"),
    path(
        "absence/units/<int:pk>/export/<slug:table>.<slug:fmt>",
        views.absence_export,
        name="absence_export",
    ),
    path("students/cluster/<int:pk>/followup/", views.cluster_followup, name="cluster_followup"),
    path(
        "students/cluster/<int:pk>/followup/export/<slug:table>.<slug:fmt>",
        views.cluster_followup_export,
        name="cluster_followup_export",
    ),
    path("students/school/<int:pk>/followup/", views.school_followup, name="school_followup"),
    path(
        "students/school/<int:pk>/followup/export/<slug:table>.<slug:fmt>",
        views.school_followup_export,
        name="school_followup_export",
    ),
]
