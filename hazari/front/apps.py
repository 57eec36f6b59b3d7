from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "hazari.front"
    label = "front"
