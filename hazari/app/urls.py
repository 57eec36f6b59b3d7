from django.urls import path

from hazari.app import views

urlpatterns = [
    path("app/", views.shell, name="app_shell"),
    path("app/manifest.webmanifest", views.manifest, name="app_manifest"),
    path("app/sw.js", views.service_worker, name="app_sw"),
]
