"""Put messages in the outbox. Delivery is separate (loa.notifications.delivery), never in a request."""

import logging

from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from loa.notifications.models import Message

log = logging.getLogger("loa.notifications")


def enqueue_email(*, to, subject, template, context, unit=None, dedupe_key=None, language="vi"):
    """Render `<template>.txt` (and `<template>.html` if it exists) now and queue the e-mail.

    With a dedupe_key, a second call for the same key returns None and queues nothing.
    """
    with translation.override(language):
        body = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""
    return _create(
        channel=Message.Channel.EMAIL,
        recipient=to,
        template=template,
        subject=str(subject),
        body=body,
        html_body=html,
        data={},
        unit=unit,
        dedupe_key=dedupe_key,
    )


def enqueue_zalo(*, phone, template_id, template_data, email=None, unit=None, dedupe_key=None, template=""):
    """Queue a Zalo template message (ZNS). `email`: {"to", "subject", "body"}, sent instead
    when Zalo cannot reach that person. Returns None for a dedupe_key already queued."""
    data = {"template_id": template_id, "template_data": template_data}
    if email:
        data["email"] = email
    return _create(
        channel=Message.Channel.ZALO,
        recipient=phone,
        template=template or f"zns:{template_id}",
        subject=(email or {}).get("subject", ""),
        body="",
        html_body="",
        data=data,
        unit=unit,
        dedupe_key=dedupe_key,
    )


def _create(**fields):
    try:
        with transaction.atomic():
            message = Message.objects.create(**fields)
    except IntegrityError:
        if fields.get("dedupe_key") and Message.objects.filter(dedupe_key=fields["dedupe_key"]).exists():
            return None
        raise
    transaction.on_commit(lambda: _kick(message.pk))
    return message


def _kick(message_id):
    """In production, ask a Celery worker to deliver at once; otherwise `send_outbox` picks it up."""
    from django.conf import settings

    if settings.JOBS_BACKEND == "celery":
        from loa.notifications.tasks import deliver_outbox_task

        # Best effort: the message is saved. Without a broker (Redis down) the page that queued it
        # answers as usual, and beat's outbox run (every minute) sends it once Redis is back.
        try:
            deliver_outbox_task.delay()
        except Exception:  # kombu's OperationalError, or whatever the transport raises
            log.warning(
                "outbox: message %s could not be handed to Celery; it waits in the outbox", message_id, exc_info=True
            )


def bulk_create(messages):
    """Insert many messages at once; a message whose dedupe key is already queued is left out (another
    run was first). Returns the dedupe keys this call queued. One kick for all of them."""
    if not messages:
        return set()
    keys = [m.dedupe_key for m in messages if m.dedupe_key]
    with transaction.atomic():
        before = set(Message.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        fresh = [m for m in messages if m.dedupe_key not in before]
        Message.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    if fresh:
        transaction.on_commit(lambda: _kick(f"batch of {len(fresh)}"))
    return {m.dedupe_key for m in fresh}


def queued_keys(keys):
    """Which of these dedupe keys are already in the outbox (a rerun skips building those messages)."""
    return set(Message.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))
