from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loa.core"
    label = "core"
