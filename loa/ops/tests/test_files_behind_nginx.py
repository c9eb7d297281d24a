"""Downloads through the real nginx of deploy/nginx/loa.conf: Loa authorises and answers with
X-Accel-Redirect, nginx sends the bytes from its internal location with Loa's type and name, and
nothing under MEDIA_ROOT is reachable from outside."""

import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from loa.core.files import SANDBOX
from loa.fanpages import likes
from loa.fanpages.models import LikeDeclaration
from loa.fanpages.tests.test_likes_screenshot import XSS, screenshot_png
from loa.ops.tests.deploy_tools import nginx_main_conf, nginx_site, self_signed_certificate

pytestmark = [
    pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is installed by scripts/system-deps.sh test"),
    pytest.mark.django_db(transaction=True),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def media_root(settings):
    """A MEDIA_ROOT nginx's workers may read, as www-data reads /var/lib/loa/media (nginx started
    by root runs them as nobody; the test run's own directory is private)."""
    root = Path(tempfile.mkdtemp(prefix="loa-media-"))
    root.chmod(0o755)
    settings.MEDIA_ROOT = root
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def nginx(tmp_path, live_server, settings, media_root):
    """nginx with the site file in front of the live server; yields its https base address."""
    settings.FILES_X_ACCEL_PREFIX = "/_protected/"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    cert, key = self_signed_certificate(tmp_path)
    https_port, http_port = free_port(), free_port()
    upstream = live_server.url.removeprefix("http://")
    site = nginx_site(
        tmp_path,
        cert=cert,
        key=key,
        https_port=https_port,
        http_port=http_port,
        media_root=media_root,
        upstreams=(upstream,),
    )
    process = subprocess.Popen(
        ["nginx", "-c", str(nginx_main_conf(tmp_path, site)), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.05)
        yield {"base": f"https://localhost:{https_port}", "cert": str(cert)}
    finally:
        process.terminate()
        process.wait(timeout=10)


def browser(nginx, user=None):
    """An HTTPS client through nginx, signed in as `user` with a real session cookie."""
    cookies = {}
    if user is not None:
        signed_in = Client()
        signed_in.force_login(user)
        cookies[django_settings.SESSION_COOKIE_NAME] = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    return httpx.Client(
        base_url=nginx["base"],
        verify=ssl.create_default_context(cafile=nginx["cert"]),
        cookies=cookies,
        follow_redirects=False,
        timeout=20,
    )


def header_values(response, name):
    return response.headers.get_list(name)


def test_nginx_sends_a_permitted_screenshot_with_loas_headers_and_refuses_everyone_else(nginx, tree, alice, bob):
    declaration = likes.declare_likes(
        by=alice, unit=tree["a"], count=12, screenshot=SimpleUploadedFile("chup.png", screenshot_png())
    )
    url = reverse("fanpages:likes_screenshot", args=[tree["a"].pk, declaration.pk])
    stored = declaration.screenshot.open("rb").read()

    response = browser(nginx, alice).get(url)
    assert response.status_code == 200 and response.headers["server"].startswith("nginx")
    assert response.content == stored  # the bytes came from nginx's internal location
    assert response.headers["content-type"] == "image/jpeg"
    assert header_values(response, "x-content-type-options") == ["nosniff"]
    assert header_values(response, "cache-control") == ["private"]  # Loa's, passed on by nginx
    assert response.headers["content-disposition"].startswith("inline;")
    assert "x-accel-redirect" not in response.headers
    assert header_values(response, "content-security-policy") == [SANDBOX]

    assert browser(nginx, bob).get(url).status_code == 404
    assert browser(nginx).get(url).status_code == 302  # to the log-in page
    # The internal location answers only Loa's X-Accel-Redirect. (/media/ is not asked here: the test
    # server itself serves MEDIA_URL, as Django's LiveServerThread does; Loa's own URLs have no such
    # route, loa/core/tests/test_files.py.)
    assert browser(nginx, alice).get(f"/_protected/{declaration.screenshot.name}").status_code == 404


def test_a_kept_html_file_with_a_vietnamese_name_goes_out_as_unknown_bytes_to_download(nginx, tree, alice):
    """nginx finds the file under its percent-encoded name and never takes a type from its .html."""
    declaration = LikeDeclaration.objects.create(
        unit=tree["a"], day=tree["a"].created_at.date(), count=5, members_count=60
    )
    declaration.screenshot.save("Ảnh chụp màn hình.html", ContentFile(XSS))
    url = reverse("fanpages:likes_screenshot", args=[tree["a"].pk, declaration.pk])

    response = browser(nginx, alice).get(url)
    assert response.status_code == 200 and response.content == XSS
    assert response.headers["content-type"] == "application/octet-stream"
    assert header_values(response, "x-content-type-options") == ["nosniff"]
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and unquote(disposition.split("filename*=UTF-8''")[1]).endswith(".bin")
