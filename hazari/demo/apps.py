from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hazari.demo"
    label = "demo"
