from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """Which field each column of a file's header holds, as someone chose it by hand in a dry run.

    Kept per importer and per header (its folded titles), for a province (the unit whose people chose
    it) or for everyone (unit empty), and applied to the next file with the same titles."""

    importer = models.CharField(_("importer"), max_length=60)
    titles_key = models.CharField(_("titles"), max_length=1000)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mapping = models.JSONField(_("mapping"), default=dict)  # {title key: field, or "" to read past}
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        constraints = [
            models.UniqueConstraint(fields=["importer", "titles_key", "unit"], name="imports_mapping_one_per_unit"),
            models.UniqueConstraint(
                fields=["importer", "titles_key"], condition=Q(unit__isnull=True), name="imports_mapping_one_global"
            ),
        ]

    def __str__(self):
        return f"{self.importer}: {self.titles_key}"
