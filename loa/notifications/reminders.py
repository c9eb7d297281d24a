"""Remind a unit's officers, by the rules every reminder in Loa follows.

Officers live on Zalo: when the province has an approved reminder template
(settings.ZALO_TEMPLATE_REMINDER) and the officer a phone, the reminder goes by Zalo with the e-mail
as fallback; otherwise by e-mail. Each message carries a dedupe key, so two overlapping runs queue it
once. Used by the directives' report reminders and the Fanpage silence reminders.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from loa.notifications import zalo_messages
from loa.notifications.models import Message, Reminder
from loa.notifications.outbox import enqueue_email, enqueue_zalo


class _Skip(Exception):
    pass


def channel_for(user):
    """How `user` is reached: "zalo", "email", or "" when they cannot be."""
    if settings.ZALO_TEMPLATE_REMINDER and user.phone:
        return Message.Channel.ZALO.value
    if user.email:
        return Message.Channel.EMAIL.value
    return ""


def queue_to_officer(*, user, unit, dedupe_key, subject, template, context, zalo_data):
    """Queue one message to `user` about `unit`, on the channel `channel_for` chooses. `context` (for
    `<template>.txt`) and `zalo_data` (the ZNS parameters, see zalo_messages) may be callables run
    inside the transaction, so that whatever they create (a one-tap link) is dropped when another
    run already queued the key. Returns the channel queued on, or "" when nothing was queued."""
    channel = channel_for(user)
    if not channel:
        return ""
    try:
        with transaction.atomic():
            ctx = context() if callable(context) else context
            if channel == Message.Channel.ZALO:
                email = None
                if user.email:
                    email = {
                        "to": user.email,
                        "subject": str(subject),
                        "body": render_to_string(f"{template}.txt", ctx),
                    }
                data = zalo_data(ctx) if callable(zalo_data) else zalo_data
                message = enqueue_zalo(
                    phone=user.phone,
                    template_id=settings.ZALO_TEMPLATE_REMINDER,
                    unit=unit,
                    dedupe_key=dedupe_key,
                    template=template,
                    email=email,
                    template_data=data,
                )
            else:
                message = enqueue_email(
                    to=user.email, unit=unit, dedupe_key=dedupe_key, template=template, subject=subject, context=ctx
                )
            if message is None:
                raise _Skip  # another run queued it: drop what this run made for it
    except _Skip:
        return ""
    return channel


def remind_officer(**kwargs):
    """`queue_to_officer`, answering True when this call queued a message."""
    return bool(queue_to_officer(**kwargs))


def remind_unit_address(*, unit, dedupe_key, subject, template, context):
    """A unit with no officer account yet: remind its contact address. True when queued."""
    if not unit.email:
        return False
    return (
        enqueue_email(
            to=unit.email, unit=unit, dedupe_key=dedupe_key, template=template, subject=subject, context=context
        )
        is not None
    )


def claim_reminder(*, topic, unit, day, by=None):
    """Claim today's reminder of `unit` about `topic`: the Reminder row, or None when the scheduled
    run or someone pressing "Nhắc ngay" already reminded it that day. Call it inside the transaction
    that queues the messages, so that a failure gives the claim back."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(topic=topic, unit=unit, day=day, by=by)
    except IntegrityError:
        return None


def record_reminder(reminder, channels):
    """What the claimed reminder queued: the channels used, once each, in a stable order."""
    used = sorted({c for c in channels if c}, key=lambda c: (c != "zalo", c))
    reminder.channels, reminder.messages = ",".join(used), len([c for c in channels if c])
    reminder.save(update_fields=["channels", "messages"])


def last_reminders(topic, unit_ids):
    """{unit_id: the latest Reminder} for these units, in one query."""
    latest = {}
    for reminder in Reminder.objects.filter(topic=topic, unit_id__in=list(unit_ids)).order_by("unit_id", "-at", "-id"):
        latest.setdefault(reminder.unit_id, reminder)
    return latest


def reminded_today(topic, unit_ids, day):
    """The ids of these units already reminded about `topic` on `day` (one query)."""
    return set(
        Reminder.objects.filter(topic=topic, unit_id__in=list(unit_ids), day=day).values_list("unit_id", flat=True)
    )


def remind_unit(*, unit, officers, key, day, subject, template, context, task, link):
    """Remind each of `officers` (the unit's) of `task`, with `link` and due `day`, or the unit's contact
    address when it has none. Messages' dedupe keys: `<key>:<user id or "unit">:<day>`. Returns how many
    messages this call queued."""
    queued = 0
    for user in officers:
        queued += remind_officer(
            user=user,
            unit=unit,
            dedupe_key=f"{key}:{user.pk}:{day.isoformat()}",
            subject=subject,
            template=template,
            context={**context, "user": user},
            zalo_data=zalo_messages.work_data(user=user, unit=unit, task=task, deadline=day, link=link),
        )
    if not officers:
        queued += remind_unit_address(
            unit=unit,
            dedupe_key=f"{key}:unit:{day.isoformat()}",
            subject=subject,
            template=template,
            context={**context, "user": None},
        )
    return queued


def queue_to_officers(letters, *, language="vi"):
    """`queue_to_officer` for many messages at once (a morning run queues one per officer of 130,000
    units): the same channel rule and message shapes, but the keys already queued are read in one
    query and the rest inserted in bulk. `letters`: dicts with the arguments of `queue_to_officer`
    (`context` and `zalo_data` plain values or callables), and optionally `body`, the e-mail's text
    already rendered from the template (then not rendered again). A letter whose key another run queued is
    skipped before it is rendered. Returns {channel: messages queued}."""
    from django.utils import translation

    from loa.notifications.outbox import bulk_create

    letters = [letter for letter in letters if channel_for(letter["user"])]
    known = set(
        Message.objects.filter(dedupe_key__in=[letter["dedupe_key"] for letter in letters]).values_list(
            "dedupe_key", flat=True
        )
    )
    messages, channels = [], []
    with translation.override(language):
        for letter in letters:
            if letter["dedupe_key"] in known:
                continue
            user, channel = letter["user"], channel_for(letter["user"])
            ctx = letter["context"]() if callable(letter["context"]) else letter["context"]
            # A caller that renders many alike messages may hand the text ready ("body").
            body = letter["body"] if "body" in letter else render_to_string(f"{letter['template']}.txt", ctx)
            subject = str(letter["subject"])
            if channel == Message.Channel.ZALO:
                zalo = letter["zalo_data"]
                data = {
                    "template_id": settings.ZALO_TEMPLATE_REMINDER,
                    "template_data": zalo(ctx) if callable(zalo) else zalo,
                }
                if user.email:
                    data["email"] = {"to": user.email, "subject": subject, "body": body}
                fields = {"recipient": user.phone, "body": "", "data": data}
            else:
                fields = {"recipient": user.email, "body": body, "data": {}}
            messages.append(
                Message(
                    channel=channel,
                    template=letter["template"],
                    subject=subject,
                    html_body="",
                    unit=letter["unit"],
                    dedupe_key=letter["dedupe_key"],
                    **fields,
                )
            )
            channels.append(channel)
    created = bulk_create(messages)
    queued = {}
    for message, channel in zip(messages, channels, strict=True):
        if message.dedupe_key in created:
            queued[channel] = queued.get(channel, 0) + 1
    return queued
