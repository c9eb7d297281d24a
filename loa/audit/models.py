from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The batch the entries written now belong to (loa.audit.log.audit_batch sets it): one key for all
# the entries of one piece of work, e.g. an applied restructuring, so that it reads them back by key.
_batch: ContextVar[str] = ContextVar("audit_batch", default="")


def current_batch():
    """The key of the batch being written, "" outside any (the default of AuditEntry.batch, so that
    entries made for bulk_create inside a batch carry it too)."""
    return _batch.get()


class AuditEntry(models.Model):
    """One state change, readable as history: who did what to which object, before and after."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)  # dotted: "unit.moved"
    # The unit the change belongs to, so that an entry is visible to those who oversee that unit.
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Folded text of the object and note, for accent-insensitive search on every database.
    search_text = models.TextField(blank=True, editable=False)
    # The piece of work the entry belongs to ("units.restructuring:12"), "" for most: see audit_batch.
    # db_default: rows COPYed without the column (the unit import on PostgreSQL) get "" too.
    batch = models.CharField(
        max_length=60, blank=True, default=current_batch, db_default="", db_index=True, editable=False
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def changes(self):
        """[(field, before, after)] for the fields that differ."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
