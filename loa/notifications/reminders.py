"""Remind a unit's officers, by the rules every reminder in Loa follows.

Officers live on Zalo: when the province has an approved reminder template
(settings.ZALO_TEMPLATE_REMINDER) and the officer a phone, the reminder goes by Zalo with the e-mail
as fallback; otherwise by e-mail. Each message carries a dedupe key, so two overlapping runs queue it
once. Used by the directives' report reminders and the Fanpage silence reminders.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from loa.notifications.outbox import enqueue_email, enqueue_zalo


class _Skip(Exception):
    pass


def remind_officer(*, user, unit, dedupe_key, subject, template, context, zalo_data):
    """Queue one reminder to `user` about `unit`. `context` (for `<template>.txt`) and `zalo_data`
    (the ZNS template's unit/task/deadline/link) may be callables run inside the transaction, so that
    whatever they create (a one-tap link) is dropped when another run already queued the key.
    Returns True when this call queued a message."""
    use_zalo = bool(settings.ZALO_TEMPLATE_REMINDER and user.phone)
    if not use_zalo and not user.email:
        return False
    try:
        with transaction.atomic():
            ctx = context() if callable(context) else context
            if use_zalo:
                email = None
                if user.email:
                    email = {"to": user.email, "subject": str(subject), "body": render_to_string(f"{template}.txt", ctx)}
                data = zalo_data(ctx) if callable(zalo_data) else zalo_data
                message = enqueue_zalo(phone=user.phone, template_id=settings.ZALO_TEMPLATE_REMINDER, unit=unit,
                                       dedupe_key=dedupe_key, template=template, email=email, template_data=data)
            else:
                message = enqueue_email(to=user.email, unit=unit, dedupe_key=dedupe_key, template=template,
                                        subject=subject, context=ctx)
            if message is None:
                raise _Skip  # another run queued it: drop what this run made for it
    except _Skip:
        return False
    return True


def remind_unit_address(*, unit, dedupe_key, subject, template, context):
    """A unit with no officer account yet: remind its contact address. True when queued."""
    if not unit.email:
        return False
    return enqueue_email(to=unit.email, unit=unit, dedupe_key=dedupe_key, template=template,
                         subject=subject, context=context) is not None
