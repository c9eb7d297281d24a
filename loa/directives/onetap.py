"""One-tap links: signed, expiring, single use, scoped to one officer, unit and task."""

import secrets
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from loa.core.site import absolute_url
from loa.directives.models import OneTapLink

SALT = "loa.directives.onetap"
LIFETIME = timedelta(days=7)


class LinkProblem(Exception):
    """Why a link cannot be used: 'tampered', 'expired' or 'used'. Carries the link if known."""

    def __init__(self, reason, link=None):
        super().__init__(reason)
        self.reason, self.link = reason, link


def create_link(*, user, assignment, lifetime=LIFETIME):
    link = OneTapLink.objects.create(
        user=user, assignment=assignment, nonce=secrets.token_urlsafe(16), expires_at=timezone.now() + lifetime
    )
    return link, url_for(link)


def url_for(link):
    token = signing.dumps({"n": link.nonce}, salt=SALT, compress=True)
    return absolute_url(reverse("directives:onetap", args=[token]))


def peek(token):
    """The link a token names, without using it (for the confirmation page)."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise LinkProblem("tampered") from None
    link = (
        OneTapLink.objects.select_related("user", "assignment", "assignment__unit", "assignment__task")
        .filter(nonce=payload.get("n"))
        .first()
    )
    if link is None:
        raise LinkProblem("tampered")
    if link.used_at is not None:
        raise LinkProblem("used", link)
    if link.expires_at < timezone.now():
        raise LinkProblem("expired", link)
    if not link.user.is_active:
        raise LinkProblem("tampered")
    return link


def consume(token):
    """Use a link once: a conditional UPDATE, so two taps at once sign in only one of them."""
    link = peek(token)
    with transaction.atomic():
        claimed = OneTapLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not claimed:
        raise LinkProblem("used", link)
    return link
