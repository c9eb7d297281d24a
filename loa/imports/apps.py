from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "loa.imports"
    verbose_name = "Imports"
