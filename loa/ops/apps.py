from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the health check monitors ask, and backups with their restore."""

    name = "loa.ops"
    label = "ops"
