"""The application's URLs plus the naive upload (bench/naive_capture.py), for the morning
rush benchmark only: gunicorn runs with DJANGO_SETTINGS_MODULE=rush_settings."""

from django.urls import path
from naive_capture import naive_upload

from hazari.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/naive/sync/captures", naive_upload),
    *app_urlpatterns,
]
