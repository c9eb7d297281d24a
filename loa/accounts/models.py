import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from loa.accounts.capabilities import RoleName
from loa.core.text import fold, sort_key
from loa.core.versions import version_field


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164, validated by phonenumbers
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="vi")
    # Stored so that the user list searches without accents and sorts in Vietnamese order.
    name_sort = models.CharField(max_length=1200, editable=False, blank=True, db_index=True)
    search_text = models.CharField(max_length=600, editable=False, blank=True)
    # Raised by every change of the details above (loa.core.versions): a profile page opened on the
    # phone does not write its older details over the ones just saved on the PC.
    version = version_field()

    def __str__(self):
        return self.full_name or self.username

    def refresh_derived(self):
        self.name_sort = sort_key(self.full_name or self.username)
        self.search_text = fold(f"{self.username} {self.full_name} {self.email}")

    def save(self, *args, **kwargs):
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "username", "email"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_sort", "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_invited(self):
        """Invited and not yet come: no password set and never logged in."""
        return not self.has_usable_password() and self.last_login is None

    def phone_display(self):
        from loa.core.phones import display_phone

        return display_phone(self.phone)

    def display_name(self):
        return self.full_name or self.get_full_name() or self.username


class Role(models.Model):
    """A role held at a unit: it covers that unit and its whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=RoleName.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="role_unique_per_unit")]
        verbose_name = _("role")

    def __str__(self):
        return f"{self.get_role_display()} — {self.unit}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw):
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name):
        raw = "loa_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[4:12], digest=cls.hash(raw))
        return token, raw
