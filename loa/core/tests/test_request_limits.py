"""One size limit, enforced before a body is read: 413 in Vietnamese, on pages and the API."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from loa.core.request_limits import RequestTooLarge, bad_request
from loa.units.models import Unit

ROOT = Path(__file__).resolve().parents[3]


def test_a_body_declared_too_big_is_refused_before_it_is_read(client, admin, tree, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    settings.REQUEST_MAX_BYTES = 2048
    client.force_login(admin)
    response = client.post("/units/import/", {"file": io.BytesIO(b"x" * 5000)})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()


def test_the_api_answers_a_too_big_body_in_json(api_client, admin, tree, settings):
    settings.REQUEST_MAX_BYTES = 100
    unit = tree["a"]
    response = api_client(admin).patch(
        f"/api/v1/units/{unit.pk}", '{"name": "' + "x" * 500 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert Unit.objects.get(pk=unit.pk).name == unit.name


def test_the_multipart_parser_refuses_a_body_over_the_limit_before_reading_it(admin, settings):
    """The upload handler's own check, for a request that did not pass the middleware."""
    settings.REQUEST_MAX_BYTES = 4096
    request = RequestFactory().post("/units/import/", {"file": io.BytesIO(b"x" * 20000)})
    with pytest.raises(RequestTooLarge):
        request.POST  # noqa: B018 (reading it runs the parser)
    response = bad_request(request, RequestTooLarge("x"))
    assert response.status_code == 413


def test_nginx_takes_exactly_what_loa_takes():
    text = (ROOT / "deploy" / "nginx" / "loa.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert megabytes * 1024 * 1024 == settings.REQUEST_MAX_BYTES
