from django.urls import path

from hazari.registers import views

urlpatterns = [
    path("schools/<int:pk>/students/", views.school_students, name="school_students"),
]
