from django.apps import AppConfig


class FanpagesConfig(AppConfig):
    name = "loa.fanpages"
    label = "fanpages"
