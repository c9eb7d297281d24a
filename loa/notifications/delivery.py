"""Deliver queued messages. Placeholder contract; the notifications work extends it."""

from django.core.mail import EmailMultiAlternatives
from django.conf import settings
from django.utils import timezone

from loa.notifications.models import Message


def deliver_due(*, limit=100):
    sent = 0
    for message in Message.objects.filter(status=Message.Status.QUEUED, channel=Message.Channel.EMAIL)[:limit]:
        email = EmailMultiAlternatives(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        email.send()
        message.status, message.sent_at, message.attempts = Message.Status.SENT, timezone.now(), message.attempts + 1
        message.save(update_fields=["status", "sent_at", "attempts"])
        sent += 1
    return sent
