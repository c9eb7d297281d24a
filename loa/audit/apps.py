from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "loa.audit"
    label = "audit"
