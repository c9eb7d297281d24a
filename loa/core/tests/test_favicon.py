"""Loa's icon: the brand's loudspeaker, linked from every page, and /favicon.ico for whoever asks
for it without reading the page (browsers on a cold load, bots): no 404 on every first visit."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image


def test_favicon_ico_sends_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("loa/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


def test_the_icons_are_real_pictures_of_the_sizes_browsers_ask():
    with Image.open(finders.find("loa/favicon.ico")) as ico:
        assert ico.format == "ICO" and {(16, 16), (32, 32)} <= set(ico.info["sizes"])
    with Image.open(finders.find("loa/favicon.png")) as png:
        assert png.format == "PNG" and png.size == (32, 32)
    with Image.open(finders.find("loa/apple-touch-icon.png")) as touch:
        assert touch.size == (180, 180) and touch.getpixel((0, 0))[3] == 255  # iOS rounds square corners itself
    svg = Path(finders.find("loa/favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'viewBox="0 0 24 24"' in svg and "<script" not in svg


@pytest.mark.django_db
def test_every_page_links_the_icon(client):
    html = client.get("/accounts/login/").content.decode()
    for name in ("loa/favicon.svg", "loa/favicon.png", "loa/apple-touch-icon.png"):
        assert static(name) in html


def test_a_one_tap_session_gets_the_icon_too(client, alice, tree):
    """A session opened by a reminder's link reaches its report only, and the icon."""
    from loa.accounts.session_scope import ONETAP_KEY

    client.force_login(alice)
    session = client.session
    session[ONETAP_KEY] = {"task": 1, "unit": tree["a"].pk}
    session.save()
    assert client.get("/accounts/profile/")["Location"].startswith("/accounts/login/")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("loa/favicon.ico")
