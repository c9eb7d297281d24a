"""Writes on the outbox that people make (delivery's own writes are in delivery.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action, snapshot
from loa.notifications.models import Message

if TYPE_CHECKING:
    from loa.accounts.models import User

_AUDITED = ["status", "attempts", "last_error", "next_attempt_at"]


def message_retry(*, by: User, message: Message) -> Message:
    """Put a failed message back in the queue for a fresh series of attempts."""
    if message.status != Message.Status.FAILED:
        raise ValidationError(
            _("Only a failed message can be sent again; message %(id)s is “%(status)s”.")
            % {"id": message.pk, "status": message.get_status_display()}
        )
    before = snapshot(message, _AUDITED)
    with transaction.atomic():
        # Conditional, like every outbox write: two admins pressing the button queue it once.
        changed = Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_by="",
            claimed_at=None,
        )
        if not changed:
            raise ValidationError(_("Message %(id)s has already been put back in the queue.") % {"id": message.pk})
        message.refresh_from_db()
        log_action(
            "notifications.message.retried", actor=by, obj=message, before=before, after=snapshot(message, _AUDITED)
        )
    from loa.notifications.outbox import _kick

    transaction.on_commit(lambda: _kick(message.pk))
    return message
