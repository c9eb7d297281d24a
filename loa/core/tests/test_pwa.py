"""Issue 13, part 8: Loa installs as an app. The manifest and the service worker are Loa's own,
the policy lets them run, and the worker keeps only the shell's static files: never a page (which may
carry someone's data) and never an answer of the API."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from loa.core.pwa import SHELL_FILES, shell_urls
from loa.core.security_headers import CONTENT_SECURITY_POLICY


def _sw_shell(source):
    return json.loads(re.search(r"^const SHELL = (.*);$", source, re.MULTILINE).group(1))


def test_the_manifest_names_loa_and_its_icons_from_the_static_files(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    body = json.loads(response.content)
    assert body["name"] == body["short_name"] == "Loa"
    assert body["start_url"] == body["scope"] == "/" and body["display"] == "standalone"
    sizes = {icon["sizes"]: icon["src"] for icon in body["icons"]}
    assert sizes == {"192x192": static("loa/icon-192.png"), "512x512": static("loa/icon-512.png")}
    for name, size in (("loa/icon-192.png", 192), ("loa/icon-512.png", 512)):
        with Image.open(finders.find(name)) as icon:
            assert icon.format == "PNG" and icon.size == (size, size)


def test_the_manifest_describes_loa_in_vietnamese(client):
    body = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="vi").content)
    assert body["description"] == "Công tác truyền thông của công đoàn cơ sở"


def test_the_service_worker_is_javascript_from_the_site_root_with_the_whole_site_as_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]


def test_the_service_worker_keeps_only_the_shells_static_files(client):
    source = client.get("/sw.js").content.decode()
    kept = _sw_shell(source)
    assert kept == shell_urls() and len(kept) == len(SHELL_FILES) + 1
    # The static files, and one page: the offline page, which names no one.
    assert [url for url in kept if not url.startswith(static(""))] == ["/offline/"]
    assert not any("/api/" in url for url in kept)
    # Every file it keeps exists, or installing the worker would fail.
    assert all(finders.find(name) for name in SHELL_FILES)
    # Only a GET of one of those files is answered from the cache; a page falls back to the
    # offline page only when the network fails; nothing else is put into the cache.
    assert "cache.addAll(SHELL)" in source and source.count(".put(") == 0
    assert 'request.method !== "GET"' in source


def test_the_policy_lets_loa_run_its_own_worker_and_manifest_and_no_one_elses():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["worker-src"] == directives["manifest-src"] == "'self'"


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_names_the_service_worker(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-service-worker="/sw.js"' in html
    assert "worker-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_offline_page_is_vietnamese_runs_nothing_and_names_no_one(client, django_user_model):
    user = django_user_model.objects.create_user(username="can.bo.offline", first_name="Nông Thị Hoa")
    client.force_login(user)
    response = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert '<html lang="vi">' in html and "Chưa có mạng" in html
    assert "<script" not in html and "style=" not in html
    assert "Nông Thị Hoa" not in html and "can.bo.offline" not in html and "csrf" not in html.lower()
    # It links the stylesheet and icon under the names the worker keeps, so it is styled offline.
    kept = _sw_shell(client.get("/sw.js").content.decode())
    for name in ("loa/loa.css", "loa/favicon.svg"):
        assert f'href="{static(name)}"' in html and static(name) in kept
