from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One message to one recipient, stored before anything is sent (the outbox)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        ZALO = "zalo", _("Zalo")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        HELD = "held", _("Held")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)  # e-mail address or E.164 phone
    template = models.CharField(_("template"), max_length=120)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    html_body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)  # template data for Zalo, links, ids
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set for messages that must never be sent twice (a reminder for a unit, task and day).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject or self.template}"


class Reminder(models.Model):
    """One unit reminded about one topic (a task's report) on one local day.

    The row is the claim: the scheduled run and "Nhắc ngay" both insert it before queueing, and the
    unique constraint lets only one of them remind a unit about a topic a day. It is also the record
    the pages show: when the unit was last reminded, by whom, and by which channels.
    """

    topic = models.CharField(max_length=80)  # "report:<task id>"
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # local day
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channels = models.CharField(max_length=40, blank=True)  # "zalo,email"; "" when nobody could be reached
    messages = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "unit", "day"], name="reminder_once_a_day")]
        indexes = [models.Index(fields=["topic", "unit", "-at"], name="reminder_last")]

    def channel_list(self):
        return [c for c in self.channels.split(",") if c]
