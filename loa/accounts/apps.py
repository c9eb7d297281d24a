from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loa.accounts"
    label = "accounts"
