"""A QR poster's short link while the cache is down (Redis stopped, docs/topology.md): it still leads
to the provincial Page; neither the per-address limit nor the scan count can be kept meanwhile."""

import socket

import pytest

from loa.fanpages.models import CampaignLink
from loa.fanpages.posters import link_for


@pytest.fixture
def cache_down(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there once the socket is closed
    # Changing CACHES gives Django a fresh cache handler (django.test.signals).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }


def test_the_short_link_still_leads_to_the_page_without_counting(client, pages, tree, cache_down):
    link = link_for(tree["a"])

    answer = client.get(f"/l/{link.code}", REMOTE_ADDR="203.0.113.5")

    assert answer.status_code == 302 and answer["Location"] == pages["province"].url
    assert CampaignLink.objects.get(pk=link.pk).scans == 0
    assert client.get("/l/nosuchcode", REMOTE_ADDR="203.0.113.5").status_code == 404
