"""The Like campaign kit: each unit's short link /l/<code> and its A4 poster with a QR code to it."""

import base64
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import RedisError

from loa.core.qr import qr_png
from loa.core.site import absolute_url
from loa.fanpages.models import CampaignLink

log = logging.getLogger(__name__)

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read aloud too
# What the cache raises when it cannot be reached (Redis down, refused, timed out).
CACHE_ERRORS = (RedisError, OSError)
SCAN_WINDOW = 30 * 60  # one scan per address and link counted per 30 minutes
IP_LIMIT = 60  # requests per address per hour before it gets 429


def link_for(unit):
    link = CampaignLink.objects.filter(unit=unit).first()
    while link is None:
        try:
            with transaction.atomic():
                link = CampaignLink.objects.create(unit=unit, code="".join(secrets.choice(ALPHABET) for _ in range(7)))
        except IntegrityError:
            link = CampaignLink.objects.filter(unit=unit).first()
    return link


def short_url(link):
    return absolute_url(reverse("fanpage_short", args=[link.code]))


def _client_key(ip):
    # Only a salted hash of the address lives in the cache, for at most an hour; nothing is stored.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:24]


def allow_request(ip):
    """False when this address made more than IP_LIMIT short-link requests this hour. Without the
    cache (Redis down) every request is allowed: the link only leads to a public Page."""
    key = f"fanpages:ip:{_client_key(ip)}"
    try:
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)
            count = 1
    except CACHE_ERRORS as exc:
        log.warning("short links: the cache cannot be reached (%s); not limited", type(exc).__name__)
        return True
    return count <= IP_LIMIT


def count_scan(link, ip):
    """Count a scan unless this address was counted for this link in the last 30 minutes. Without the
    cache (Redis down) no scan is counted, rather than every one."""
    try:
        first = cache.add(f"fanpages:scan:{link.pk}:{_client_key(ip)}", 1, SCAN_WINDOW)
    except CACHE_ERRORS as exc:
        log.warning("short links: the cache cannot be reached (%s); scan not counted", type(exc).__name__)
        return False
    if not first:
        return False
    CampaignLink.objects.filter(pk=link.pk).update(scans=F("scans") + 1, last_scan_at=timezone.now())
    return True


def poster_pdf(*, unit, page):
    """An A4 poster: the provincial Page's name, a QR code to the unit's short link, and three steps."""
    from loa.documents.fonts import pdf_font
    from loa.documents.pdf import html_to_pdf

    link = link_for(unit)
    url = short_url(link)
    family, font_css = pdf_font()
    html = render_to_string(
        "fanpages/poster.html",
        {
            "unit": unit,
            "page": page,
            "url": url,
            "font_family": family,
            "font_css": font_css,
            "qr": "data:image/png;base64," + base64.b64encode(qr_png(url)).decode(),
        },
    )
    return html_to_pdf(html)
