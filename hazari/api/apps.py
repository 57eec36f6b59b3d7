from django.apps import AppConfig


class APIConfig(AppConfig):
    name = "hazari.api"
    label = "api"
