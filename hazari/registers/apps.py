from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "hazari.registers"
    label = "registers"
