"""Celery tasks; without Celery the same work is `manage.py send_outbox`."""

from celery import shared_task

from loa.notifications.delivery import deliver_due


@shared_task(name="loa.notifications.deliver_outbox", ignore_result=True)
def deliver_outbox_task(limit=100):
    """Deliver due messages. Safe to run many at once: each message is claimed by one run only."""
    return deliver_due(limit=limit)
