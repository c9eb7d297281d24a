"""Deliver due messages from the outbox, from any number of workers at once.

A run claims messages with one conditional UPDATE (only rows still due change to `sending`, with
this run's claim token): the database serialises competing UPDATEs of a row, so a message is
claimed by one run only. A claim left in `sending` longer than OUTBOX_CLAIM_TIMEOUT seconds (the
worker died) is due again. Each channel's Sender returns an outcome and this module records it:
sent; retry later with exponential back-off until OUTBOX_MAX_ATTEMPTS, then failed; held until a
time (not counted as an attempt); failed at once.
"""

import logging
import os
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from loa.notifications.channels import Failed, HeldUntil, RetryLater, Sent, describe_error, sender_for
from loa.notifications.models import Message

log = logging.getLogger("loa.notifications")

# The first retry waits this long, each next one twice as long, never longer than the cap.
DEFAULT_RETRY_BASE_SECONDS = 300
DEFAULT_RETRY_MAX_SECONDS = 6 * 3600
DEFAULT_CLAIM_TIMEOUT_SECONDS = 15 * 60


def _setting(name, default):
    return getattr(settings, name, default)


def worker_id():
    """A claim token unique to one delivery run: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def due_q(now):
    claim_timeout = timedelta(seconds=_setting("OUTBOX_CLAIM_TIMEOUT", DEFAULT_CLAIM_TIMEOUT_SECONDS))
    waiting = Q(status__in=[Message.Status.QUEUED, Message.Status.HELD]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Message.Status.SENDING, claimed_at__lt=now - claim_timeout)
    return waiting | abandoned


def retry_delay(attempts):
    """Back-off after the `attempts`-th failed attempt: base, 2×base, 4×base… up to the cap."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", DEFAULT_RETRY_MAX_SECONDS)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def claim(*, limit, token, channels=None):
    """Claim up to `limit` due messages for `token`; returns them in id order."""
    claimed = []
    for _ in range(5):  # another run may win some candidates; look again for what is left
        wanted = limit - len(claimed)
        if wanted <= 0:
            break
        now = timezone.now()
        ids = candidates(now=now, limit=wanted, channels=channels)
        if not ids:
            break
        claimed.extend(take(ids, token=token, now=now))
    claimed.sort(key=lambda m: m.pk)
    return claimed


def candidates(*, now, limit, channels=None):
    qs = Message.objects.filter(due_q(now))
    if channels is not None:
        qs = qs.filter(channel__in=channels)
    return list(qs.order_by(F("next_attempt_at").asc(nulls_first=True), "id").values_list("id", flat=True)[:limit])


def take(ids, *, token, now):
    """The conditional UPDATE: the due condition is checked again as each row is written, so of two
    runs that picked the same candidates only one changes a given row (PostgreSQL re-checks a row
    that another transaction updated meanwhile; SQLite has one writer at a time)."""
    won = (
        Message.objects.filter(pk__in=ids)
        .filter(due_q(now))
        .update(status=Message.Status.SENDING, claimed_by=token, claimed_at=now)
    )
    if not won:
        return []
    return list(Message.objects.filter(pk__in=ids, claimed_by=token, status=Message.Status.SENDING))


def deliver_due(*, limit=100, channels=None):
    """Deliver up to `limit` due messages (of the given channels, default all); returns how many were sent."""
    token = worker_id()
    messages = claim(limit=limit, token=token, channels=channels)
    if not messages:
        return 0
    senders = {}
    sent = 0
    try:
        for message in messages:
            if message.channel not in senders:
                try:
                    senders[message.channel] = sender_for(message.channel)
                except Exception as exc:  # e.g. a bad EMAIL_BACKEND: the run's messages wait
                    log.exception("outbox: no %s sender could be made", message.channel)
                    senders[message.channel] = RetryLater(describe_error(exc))
            sender = senders[message.channel]
            if isinstance(sender, RetryLater):
                outcome = sender
            elif sender is None:
                outcome = HeldUntil(
                    at=timezone.now() + timedelta(hours=1), reason=f"no sender for channel {message.channel}"
                )
            else:
                try:
                    outcome = sender.send(message)
                except Exception as exc:  # a bug or surprise in a Sender must not lose the message
                    log.exception("outbox: sender for %s raised on message %s", message.channel, message.pk)
                    outcome = RetryLater(describe_error(exc))
            sent += record(message, outcome, token=token)
    finally:
        for sender in senders.values():
            if sender is not None and not isinstance(sender, RetryLater):
                try:
                    sender.close()
                except Exception:
                    log.exception("outbox: closing the %s sender failed", type(sender).__name__)
    return sent


def record(message, outcome, *, token):
    """Write the outcome of one attempt; returns 1 if the message was sent."""
    now = timezone.now()
    fields = {"claimed_by": "", "claimed_at": None}
    if isinstance(outcome, Sent):
        fields.update(
            status=Message.Status.SENT, sent_at=now, attempts=message.attempts + 1, last_error="", next_attempt_at=None
        )
    elif isinstance(outcome, HeldUntil):
        fields.update(status=Message.Status.HELD, next_attempt_at=outcome.at, last_error=outcome.reason[:500])
    elif isinstance(outcome, RetryLater):
        attempts = message.attempts + 1
        if attempts >= _setting("OUTBOX_MAX_ATTEMPTS", 5):
            fields.update(
                status=Message.Status.FAILED, attempts=attempts, last_error=outcome.reason, next_attempt_at=None
            )
        else:
            fields.update(
                status=Message.Status.QUEUED,
                attempts=attempts,
                last_error=outcome.reason,
                next_attempt_at=outcome.at or now + retry_delay(attempts),
            )
    elif isinstance(outcome, Failed):
        fields.update(
            status=Message.Status.FAILED, attempts=message.attempts + 1, last_error=outcome.reason, next_attempt_at=None
        )
    else:
        raise TypeError(f"unknown outcome {outcome!r}")
    # Only while our claim stands: a run that outlived its claim must not undo its successor's work.
    written = Message.objects.filter(pk=message.pk, claimed_by=token, status=Message.Status.SENDING).update(**fields)
    if not written:
        log.warning("outbox: claim on message %s was lost before its outcome was recorded", message.pk)
    level = logging.INFO if isinstance(outcome, (Sent, HeldUntil)) else logging.WARNING
    log.log(level, "outbox: message %s via %s: %s", message.pk, message.channel, fields["status"])
    for name, value in fields.items():
        setattr(message, name, value)
    return 1 if isinstance(outcome, Sent) else 0
