"""Every error under /api/v1/ is JSON, {"detail": "…Vietnamese…", "code": "…"}, whether django-ninja
answered it (loa.api.errors) or Django did, around or before the API (loa.api.fallback)."""

import pytest
from django.test import Client

from loa.articles.tests.factories import channels, sent

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


def test_no_credentials_answer_401_with_the_bearer_challenge(client, tree):
    body = _error(client.get("/api/v1/units"), 401, "not_authenticated")
    assert "đăng nhập" in body["detail"]


def test_what_the_caller_sees_but_may_not_do_answers_403(api_client, alice, tree):
    response = api_client(alice).patch(f"/api/v1/units/{tree['a'].pk}", {"name": "Mới"}, content_type=JSON)
    assert "quản lý" in _error(response, 403, "permission_denied")["detail"]


def test_a_browser_without_the_csrf_token_gets_a_json_403(admin, tree):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    response = browser.post(f"/api/v1/units/{tree['a'].pk}/reactivate", content_type=JSON)
    assert "CSRF" in _error(response, 403, "permission_denied")["detail"]


def test_an_object_out_of_reach_and_an_unknown_address_answer_the_same_404(api_client, bob, tree):
    client = api_client(bob)
    assert _error(client.get(f"/api/v1/units/{tree['a'].pk}"), 404, "not_found")["detail"] == "Không tìm thấy."
    assert _error(client.get("/api/v1/no-such-thing"), 404, "not_found")["detail"] == "Không tìm thấy."
    _error(client.post("/api/v1/units/1/no-such-action", {}, content_type=JSON), 404, "not_found")


def test_a_method_the_address_does_not_take_answers_405_with_allow(api_client, admin, tree):
    response = api_client(admin).delete(f"/api/v1/units/{tree['a'].pk}")
    _error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_a_decision_on_a_changed_piece_answers_409(api_client, tree, alice, editor, admin):
    piece = sent(tree["a"], alice, channels(editor))
    review = f"/api/v1/articles/submissions/{piece.pk}/review"
    assert (
        api_client(editor).post(review, {"action": "accept", "version": piece.version}, content_type=JSON).status_code
        == 200
    )
    late = api_client(admin).post(
        review, {"action": "return", "reason": "x", "version": piece.version}, content_type=JSON
    )
    _error(late, 409, "conflict")


def test_a_body_too_large_answers_413_before_and_inside_the_api(api_client, admin, tree, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_client(admin)
    big = {"parent": tree["upper"].pk, "kind": "cdcs", "code": "CS-Z", "name": "x" * 2000}
    _error(client.post("/api/v1/units", big, content_type=JSON), 413, "too_large")  # read first by the NUL cleaner
    _error(client.post("/api/v1/units", "x" * 2000, content_type="text/plain"), 413, "too_large")  # read by ninja


def test_a_body_that_is_not_json_answers_400(api_client, admin, tree):
    response = api_client(admin).post("/api/v1/units", "{not json", content_type=JSON)
    assert _error(response, 400, "bad_request")["detail"] == "Nội dung yêu cầu không phải là JSON hợp lệ."


def test_invalid_data_answers_422_with_the_fields_at_fault(api_client, admin, tree):
    response = api_client(admin).post("/api/v1/units", {"parent": tree["upper"].pk, "kind": "cdcs"}, content_type=JSON)
    body = _error(response, 422, "invalid")
    assert set(body["errors"]) == {"code", "name"}
    assert body["errors"]["code"] == ["Trường này là bắt buộc."]


def test_a_fault_answers_a_json_500_without_the_traceback(api_client, admin, tree, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug with a secret inside")

    monkeypatch.setattr("loa.api.units.units_for", broken)
    client = api_client(admin)
    client.raise_request_exception = False
    body = _error(client.get("/api/v1/units"), 500, "server_error")
    assert "secret" not in body["detail"] and "Traceback" not in body["detail"]


def test_the_pages_keep_their_html_errors(login, admin):
    response = login(admin).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
