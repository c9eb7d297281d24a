from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.integrations.crypto import EncryptedTextField


class ZaloCredential(models.Model):
    """The tokens with which Loa speaks for one Zalo Official Account (normally just one row).

    Zalo's refresh token is single use: every refresh returns a new pair that must be stored
    before the access token is used (see ZaloClient.refresh).
    """

    oa_id = models.CharField(_("Official Account id"), max_length=64, unique=True)
    access_token = EncryptedTextField(_("access token"), blank=True)
    refresh_token = EncryptedTextField(_("refresh token"), blank=True)
    access_expires_at = models.DateTimeField(_("access token expires at"), null=True, blank=True)
    refresh_obtained_at = models.DateTimeField(_("refresh token obtained at"), null=True, blank=True)
    # Set when Zalo refused the refresh token: someone must authorise Loa again.
    needs_authorisation = models.BooleanField(_("needs authorisation"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Zalo credential")
        verbose_name_plural = _("Zalo credentials")

    def __str__(self):
        return f"Zalo OA {self.oa_id}"

    def __repr__(self):
        # Never the tokens.
        return f"<ZaloCredential oa_id={self.oa_id!r} expires={self.access_expires_at}>"
