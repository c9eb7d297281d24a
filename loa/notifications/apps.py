from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "loa.notifications"
    label = "notifications"

    def ready(self):
        from loa.notifications import zalo_channel  # noqa: F401  (registers the Zalo sender)
