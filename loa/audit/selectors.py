"""Reads of the audit log for other apps."""

from django.db.models import Model

from loa.audit.models import AuditEntry


def last_change(obj: Model) -> AuditEntry | None:
    """The audit entry of the newest change of `obj` (who and when), if there is one."""
    return (
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
