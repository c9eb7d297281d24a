from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "loa.units"
    label = "units"
