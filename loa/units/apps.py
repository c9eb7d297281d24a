from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "loa.units"
    label = "units"

    def ready(self):
        from loa.audit.models import AuditEntry
        from loa.units import path_copies

        # The audit log sits below units (loa/layers.py), so units registers its copy of the path:
        # at millions of entries, the log filters by the reader's subtree on this table alone.
        path_copies.register(AuditEntry, "unit_path")
