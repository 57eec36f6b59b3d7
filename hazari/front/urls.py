from django.urls import path

from hazari.front import views

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
