from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "loa.notifications"
    label = "notifications"
