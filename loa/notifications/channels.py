"""Channels: how one message leaves Loa. Each channel has a Sender; delivery.py does the rest.

A Sender knows its transport and nothing about claiming, retries or the database: it returns one
of four outcomes and delivery.py records it. E-mail is here; Zalo registers its own Sender later
with `register("zalo", ZaloSender)`.
"""

import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection


@dataclass(frozen=True)
class Sent:
    pass


@dataclass(frozen=True)
class RetryLater:
    """A passing problem: try again at `at` (None: delivery's exponential back-off decides)."""

    reason: str
    at: datetime | None = None


@dataclass(frozen=True)
class HeldUntil:
    """Not a failure: the channel asks us to wait (quiet hours, a quota). Attempts are not counted."""

    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class Failed:
    """A permanent refusal: trying again would give the same answer."""

    reason: str


Outcome = Sent | RetryLater | HeldUntil | Failed


@runtime_checkable
class Sender(Protocol):
    """One per channel and delivery run; `close()` is called once after the run's last message."""

    def send(self, message) -> Outcome: ...

    def close(self) -> None: ...


_REGISTRY = {}


def register(channel, factory):
    """`factory()` returns a Sender; called once per delivery run that has messages for `channel`."""
    _REGISTRY[channel] = factory


def sender_for(channel):
    factory = _REGISTRY.get(channel)
    return factory() if factory else None


def describe_error(exc):
    """A short description of an exception for last_error: never the configured password."""
    text = f"{type(exc).__name__}: {exc}"
    for secret in (getattr(settings, "EMAIL_HOST_PASSWORD", ""),):
        if secret:
            text = text.replace(secret, "***")
    return text[:500]


def _smtp_text(code, response):
    if isinstance(response, bytes):
        response = response.decode("utf-8", "replace")
    return f"SMTP {code} {response}".strip()


class EmailSender:
    """Sends through Django's configured e-mail backend (SMTP in production), one connection per run.

    After a connection-level failure the rest of the run is not tried again: every message waits
    for the next run, so an SMTP server that is down costs one time-out, not one per message.
    """

    def __init__(self):
        self.connection = get_connection(fail_silently=False)
        self.down = None  # the reason, once the server could not be reached in this run

    def send(self, message):
        if self.down:
            return RetryLater(self.down)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            connection=self.connection,
            headers={"Auto-Submitted": "auto-generated", "X-Loa-Message": str(message.pk)},
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        try:
            self.connection.open()  # once per run: a no-op while the connection is open
        except (OSError, UnicodeError) as exc:
            # Refused, unreachable, time-out, TLS or log-in failure (a password SMTP cannot encode
            # is a UnicodeError): the server or the configuration, not this message.
            return self._server_down(exc)
        try:
            if not email.send():
                return RetryLater("the e-mail backend sent nothing")
        except smtplib.SMTPRecipientsRefused as exc:
            code, response = next(iter(exc.recipients.values()), (0, b""))
            reason = _smtp_text(code, response)
            return Failed(reason) if 500 <= code < 600 else RetryLater(reason)
        except smtplib.SMTPDataError as exc:
            # 5xx after DATA: the server refuses this message (content, size); 4xx: try later.
            reason = _smtp_text(exc.smtp_code, exc.smtp_error)
            return Failed(reason) if 500 <= exc.smtp_code < 600 else RetryLater(reason)
        except OSError as exc:
            # Every other SMTP error is an OSError too (connection lost, sender refused): the rest
            # of the run waits for the next one.
            return self._server_down(exc)
        except (UnicodeError, ValueError) as exc:
            # An address SMTP cannot carry (accents in the part before @): it never will.
            return Failed(describe_error(exc))
        return Sent()

    def _server_down(self, exc):
        self.down = describe_error(exc)
        self._reset()
        return RetryLater(self.down)

    def _reset(self):
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001, S110 - the connection is already broken; nothing more to do
            pass

    def close(self):
        self._reset()


register("email", EmailSender)
