import pytest
from django.core.management import call_command

from loa.notifications import tasks
from loa.notifications.models import Message
from loa.notifications.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def _queue(n):
    for i in range(n):
        Message.objects.create(channel="email", recipient=f"u{i}@example.vn", template="t", subject="Chào", body="…")


def test_send_outbox_sends_what_is_due_and_says_how_many(smtp_server, capsys):
    _queue(3)

    call_command("send_outbox", "--limit", "2")

    assert capsys.readouterr().out.strip() == "sent 2"
    assert len(smtp_server.wait_for(2)) == 2
    assert Message.objects.filter(status="queued").count() == 1


def test_send_outbox_in_a_loop_keeps_going_until_interrupted(smtp_server, monkeypatch, capsys):
    _queue(3)
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        raise KeyboardInterrupt  # what Ctrl-C or SIGINT does while the worker waits

    monkeypatch.setattr("loa.notifications.management.commands.send_outbox.time.sleep", sleep)

    call_command("send_outbox", "--loop", "--limit", "2", "--interval", "7")

    # A full batch goes straight on to the next one; only a short batch waits.
    assert naps == [7.0]
    assert capsys.readouterr().out.splitlines() == ["sent 2", "sent 1", "stopped after sending 3"]
    assert len(smtp_server.wait_for(3)) == 3


def test_the_celery_task_delivers_the_outbox(smtp_server):
    _queue(2)

    assert tasks.deliver_outbox_task.apply(kwargs={"limit": 10}).get() == 2

    assert len(smtp_server.wait_for(2)) == 2


def test_the_beat_schedule_names_the_registered_task():
    entry = BEAT_SCHEDULE["notifications-deliver-outbox"]
    assert entry["task"] == tasks.deliver_outbox_task.name


def test_with_celery_a_queued_message_asks_a_worker_at_once(settings, monkeypatch, django_capture_on_commit_callbacks):
    from loa.notifications.outbox import enqueue_email

    settings.JOBS_BACKEND = "celery"
    kicks = []
    monkeypatch.setattr(tasks.deliver_outbox_task, "delay", lambda *a, **k: kicks.append((a, k)))

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_email(to="a@example.vn", subject="Chào", template="notifications/email/notice", context={"text": "…"})

    assert kicks == [((), {})]
