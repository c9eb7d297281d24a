from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "loa.audit"
    label = "audit"

    def ready(self):
        from loa.audit import selectors
        from loa.core import version_forms

        # The conflict panel of core names the row's last change from the log (core imports no app).
        version_forms.last_change_of = selectors.last_change
