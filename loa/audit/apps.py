from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "loa.audit"
    label = "audit"

    def ready(self):
        from loa.audit.models import AuditEntry
        from loa.units import path_copies

        # The audit log, at millions of entries, filters by the reader's subtree on this table alone.
        path_copies.register(AuditEntry, "unit_path")
