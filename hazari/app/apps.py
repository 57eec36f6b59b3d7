from django.apps import AppConfig


class AppShellConfig(AppConfig):
    """The head masters' offline-first phone app (a PWA): its shell, manifest, service worker
    and static files, and the small read API only the app needs (the last 30 days)."""

    name = "hazari.app"
    label = "app"
