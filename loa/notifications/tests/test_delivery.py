"""Claims, outcomes and the channel seam, with a stand-in channel instead of SMTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loa.notifications import channels
from loa.notifications.channels import Failed, HeldUntil, RetryLater, Sent
from loa.notifications.delivery import candidates, claim, deliver_due, retry_delay, take
from loa.notifications.models import Message

pytestmark = pytest.mark.django_db


class ScriptedSender:
    """Answers each message with the next scripted outcome, and remembers what it was asked to send."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.sent = []
        self.closed = False

    def send(self, message):
        self.sent.append(message.pk)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def close(self):
        self.closed = True


@pytest.fixture
def zalo(monkeypatch):
    """Register a scripted Sender for the zalo channel, as the Zalo work will register a real one."""

    def install(*outcomes):
        sender = ScriptedSender(outcomes)
        monkeypatch.setitem(channels._REGISTRY, "zalo", lambda: sender)
        return sender

    return install


def _zalo(**extra):
    return Message.objects.create(
        channel="zalo", recipient="+84912345678", template="nhac-bao-cao", data={"a": 1}, **extra
    )


def test_a_scripted_channel_is_used_through_the_registry(zalo):
    sender = zalo(Sent())
    message = _zalo()

    assert deliver_due() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert sender.sent == [message.pk]
    assert sender.closed


def test_a_held_message_waits_without_counting_an_attempt_and_goes_when_due(zalo):
    later = timezone.now() + timedelta(hours=8)
    zalo(HeldUntil(at=later, reason="quiet hours"), Sent())
    message = _zalo()

    deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Message.Status.HELD, 0, later)
    assert message.last_error == "quiet hours"

    assert deliver_due() == 0  # not yet
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_retry_later_at_a_given_time_is_respected(zalo):
    at = timezone.now() + timedelta(minutes=42)
    zalo(RetryLater("rate limited", at=at))
    message = _zalo()

    deliver_due()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Message.Status.QUEUED, 1, at)


def test_retries_back_off_exponentially_up_to_a_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 6)] == [60, 120, 240, 480, 600, 600]


def test_a_failed_outcome_fails_at_once(zalo):
    zalo(Failed("user blocked the OA"))
    message = _zalo()

    deliver_due()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.FAILED, 1, "user blocked the OA")


def test_a_sender_that_crashes_loses_nothing(zalo):
    zalo(RuntimeError("boom"), Sent())
    first, second = _zalo(), _zalo()

    assert deliver_due() == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.last_error) == (Message.Status.QUEUED, "RuntimeError: boom")
    assert second.status == Message.Status.SENT


def test_a_channel_without_a_sender_is_held_not_lost(monkeypatch):
    monkeypatch.delitem(channels._REGISTRY, "zalo", raising=False)
    message = _zalo()

    deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.HELD
    assert message.attempts == 0
    assert "no sender" in message.last_error


def test_a_message_claimed_by_another_run_is_not_taken_again():
    message = _zalo()
    now = timezone.now()
    ids = candidates(now=now, limit=10)  # a slow run picked its candidates…
    assert [m.pk for m in take(ids, token="fast", now=now)] == [message.pk]  # …a fast one claimed them

    assert take(ids, token="slow", now=now) == []
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == (Message.Status.SENDING, "fast")


def test_an_abandoned_claim_is_taken_over_after_the_timeout(settings):
    settings.OUTBOX_CLAIM_TIMEOUT = 600
    fresh = _zalo(status="sending", claimed_by="alive", claimed_at=timezone.now() - timedelta(minutes=5))
    dead = _zalo(status="sending", claimed_by="dead", claimed_at=timezone.now() - timedelta(minutes=11))

    claimed = claim(limit=10, token="me")

    assert [m.pk for m in claimed] == [dead.pk]
    fresh.refresh_from_db()
    assert fresh.claimed_by == "alive"


def test_an_outcome_is_not_recorded_over_a_claim_that_was_taken_over(monkeypatch):
    """A run that outlived its claim must not overwrite the state written by its successor."""
    message = _zalo()

    class Slow(ScriptedSender):
        def send(self, msg):
            # While this run is "sending", its claim is declared abandoned and another run takes it.
            Message.objects.filter(pk=msg.pk).update(claimed_by="successor", claimed_at=timezone.now())
            return Failed("late answer")

    monkeypatch.setitem(channels._REGISTRY, "zalo", lambda: Slow([]))
    deliver_due()

    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.last_error) == (Message.Status.SENDING, "successor", "")


def test_limit_bounds_a_run_and_queued_messages_go_oldest_due_first(zalo):
    sender = zalo(Sent(), Sent())
    late = _zalo(next_attempt_at=timezone.now() - timedelta(minutes=1))
    earlier = _zalo(next_attempt_at=timezone.now() - timedelta(hours=1))
    new = _zalo()  # never tried: no next_attempt_at, first in line

    assert deliver_due(limit=2) == 2

    assert set(sender.sent) == {new.pk, earlier.pk}
    assert Message.objects.get(pk=late.pk).status == Message.Status.QUEUED


def test_sent_and_failed_messages_are_never_claimed():
    _zalo(status="sent")
    _zalo(status="failed")
    _zalo(status="queued", next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert claim(limit=10, token="me") == []


def test_a_sender_that_cannot_be_made_leaves_the_messages_queued(monkeypatch):
    def broken():
        raise ImportError("no module named 'zalo_sdk'")

    monkeypatch.setitem(channels._REGISTRY, "zalo", broken)
    message = _zalo()

    assert deliver_due() == 0

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    assert "zalo_sdk" in message.last_error
