"""The outbox's Zalo channel: ZaloSender's outcomes turned into the outbox's, with e-mail fallback.

A Zalo message carries, in `data`, the template id and data, and the e-mail copy to send instead
when Zalo cannot deliver to that person (no Zalo account, template refused, Loa not authorised).
"""

import logging

from loa.integrations import zalo
from loa.notifications import channels
from loa.notifications.models import Message

log = logging.getLogger(__name__)


class ZaloChannelSender:
    def __init__(self, sender=None):
        self.sender = sender or zalo.ZaloSender()

    def send(self, message):
        outcome = self.sender.send(message)
        if isinstance(outcome, zalo.Sent):
            return channels.Sent()
        if isinstance(outcome, zalo.Retry):
            return channels.RetryLater(outcome.reason or "retry", at=outcome.at)
        if isinstance(outcome, zalo.Held):
            return channels.HeldUntil(at=outcome.until, reason=outcome.reason)
        reason = outcome.reason
        if outcome.alert_admin:
            log.error("Zalo channel needs an administrator: message %s: %s", message.pk, reason)
        if outcome.fallback_email and fallback_to_email(message):
            reason = f"{reason} → e-mail"
        return channels.Failed(reason)

    def close(self):
        pass


def fallback_to_email(message):
    """Queue the message's e-mail copy, once. Returns whether there was one to queue."""
    copy = (message.data or {}).get("email")
    if not copy or not copy.get("to"):
        return False
    Message.objects.get_or_create(
        dedupe_key=f"{message.dedupe_key or message.pk}:email-fallback"[:200],
        defaults={
            "channel": Message.Channel.EMAIL,
            "recipient": copy["to"],
            "template": message.template,
            "subject": copy.get("subject", ""),
            "body": copy.get("body", ""),
            "unit": message.unit,
        },
    )
    return True


channels.register(Message.Channel.ZALO, ZaloChannelSender)
