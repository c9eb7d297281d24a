"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, and Django's SMTP backend pointed at it.

    def test_it_mails_the_officer(smtp_server):
        ...deliver...
        mail = smtp_server.wait_for(1)[0]
        assert mail.subject == "Nhắc báo cáo"
        assert mail.links()[0].startswith("http://")

The repository's conftest.py exposes the fixture as `smtp_server`.
"""

import email
import email.policy
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

_URL = re.compile(r"https?://[^\s<>\"')\]]+")


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it: envelope, and the parsed e-mail with decoded parts."""

    mail_from: str
    rcpt_tos: list
    raw: bytes
    message: email.message.EmailMessage = field(repr=False)
    arrived: float = field(default_factory=time.monotonic, repr=False)  # when the server received it

    @property
    def subject(self):
        # RFC 2047 decoded by the default policy. A long subject is folded right after "Subject:",
        # which leaves the unfolded value with a leading space that mail clients do not show.
        return str(self.message["Subject"]).strip()

    @property
    def to(self):
        return str(self.message["To"])

    def header(self, name):
        value = self.message[name]
        return None if value is None else str(value)

    def _part(self, subtype):
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            return ""
        # Decoded from base64/quoted-printable with its charset; SMTP's CRLF line ends made "\n".
        return part.get_content().replace("\r\n", "\n")

    @property
    def text(self):
        return self._part("plain")

    @property
    def html(self):
        return self._part("html")

    def links(self):
        """Every URL in the message: hrefs of the HTML part, then URLs in the text; no duplicates."""
        found = []
        if self.html:
            parser = _Hrefs()
            parser.feed(self.html)
            found.extend(parser.hrefs)
        found.extend(_URL.findall(self.text))
        return list(dict.fromkeys(found))

    def link(self, containing=""):
        """The first link containing `containing`; fails the test if there is none."""
        for url in self.links():
            if containing in url:
                return url
        raise AssertionError(f"no link containing {containing!r} in {self.links()!r}")


class SMTPTestServer:
    """aiosmtpd in a thread. Refuse recipients with `refuse()`, simulate an outage with `stop()`."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.port = _free_port(host)
        self.received = []
        self.refused = {}  # address (lower case) -> SMTP reply
        self.password = None  # when set, AUTH must give this password
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._controller = None

    # --- life cycle -------------------------------------------------------------------------
    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(
            self,
            hostname=self.host,
            port=self.port,
            auth_require_tls=False,
            authenticator=self._authenticate,
        )
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self):
        return self._controller is not None

    def configure(self, settings):
        """Point Django's e-mail settings (a pytest-django `settings`) at this server."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = self.host
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5

    # --- what the test asks -----------------------------------------------------------------
    def refuse(self, address, reply="550 5.1.1 <{address}>: Recipient address rejected: User unknown"):
        self.refused[address.lower()] = reply.format(address=address)

    @property
    def messages(self):
        with self._lock:
            return list(self.received)

    def to(self, address):
        return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count, timeout=5.0):
        """The received messages once there are at least `count` (fails the test after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} e-mail(s), the SMTP server got {len(self.received)}")
                self._arrived.wait(left)
            return list(self.received)

    # --- aiosmtpd handler hooks -------------------------------------------------------------
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refused.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        mail = ReceivedMail(mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), raw=raw, message=parsed)
        with self._arrived:
            self.received.append(mail)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        password = getattr(auth_data, "password", b"")
        if isinstance(password, bytes):
            password = password.decode("utf-8", "replace")
        return AuthResult(success=self.password is None or password == self.password, handled=False)


def _free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server on 127.0.0.1 with Django's SMTP backend pointed at it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    server = SMTPTestServer().start()
    server.configure(settings)
    yield server
    server.stop()
