from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "loa.exports"
    label = "exports"
