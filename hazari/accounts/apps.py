from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hazari.accounts"
    label = "accounts"
