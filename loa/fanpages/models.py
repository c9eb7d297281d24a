from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Fanpage(models.Model):
    """The one Facebook Page of a CĐCS ("mỗi CĐCS lập 01 Trang"), as its latest report says.

    Every change is kept in FanpageVersion; later areas (posting, Likes) hang off this row.
    """

    unit = models.OneToOneField("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="fanpage")
    name = models.CharField(_("Page name"), max_length=255)
    url = models.URLField(_("Page address"), max_length=300)
    url_key = models.CharField(max_length=300, unique=True)
    admin_name = models.CharField(_("administrator"), max_length=150)
    admin_phone = models.CharField(_("administrator's phone"), max_length=40)  # E.164, "; "-separated if two
    note = models.TextField(_("note"), blank=True)
    set_up_on = models.DateField(_("set up on"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Fanpage")

    def __str__(self):
        return self.name


class FanpageVersion(models.Model):
    """The register's history: what the Page looked like after each change, and where it came from."""

    fanpage = models.ForeignKey(Fanpage, on_delete=models.CASCADE, related_name="versions")
    data = models.JSONField()
    source = models.CharField(max_length=40)  # "report", "import", "admin"
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
