from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "loa.directives"
    label = "directives"
