from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from loa.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_lets_its_user_in(client, alice, token_for):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=token_for(alice))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_it_records_when_a_token_was_last_used_at_most_once_a_minute(client, alice, token_for):
    header = token_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is None
    client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_a_wrong_token_is_refused_in_vietnamese(client, alice):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer loa_not-a-real-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json()["detail"]
    assert "không hợp lệ" in response.json()["detail"]


def test_a_revoked_token_is_refused(client, alice, token_for):
    header = token_for(alice)
    ApiToken.objects.filter(user=alice).delete()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401


def test_an_inactive_users_token_is_refused(client, alice, token_for):
    header = token_for(alice)
    alice.is_active = False
    alice.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401


def test_without_credentials_it_answers_401_in_vietnamese(client, tree):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
    assert "đăng nhập" in response.json()["detail"]


def test_a_signed_in_browser_may_read(login, alice):
    response = login(alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_a_browser_must_send_the_csrf_token_to_write(admin, tree):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    body = {"parent": tree["upper"].pk, "kind": "cdcs", "code": "CS-C", "name": "Công đoàn cơ sở Trường Tiểu học"}
    refused = browser.post("/api/v1/units", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    browser.get("/api/v1/docs")  # any page that sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/units", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.content


def test_a_token_needs_no_csrf_token(admin, tree, token_for):
    client = Client(enforce_csrf_checks=True)
    body = {"parent": tree["upper"].pk, "kind": "cdcs", "code": "CS-C", "name": "Công đoàn cơ sở Trường Tiểu học"}
    response = client.post("/api/v1/units", body, content_type="application/json", HTTP_AUTHORIZATION=token_for(admin))
    assert response.status_code == 201


def test_me_lists_roles_with_units_and_capabilities(api_client, alice, admin, tree):
    data = api_client(alice).get("/api/v1/me").json()
    assert data["full_name"] == "Hoàng Thị An"
    assert data["is_superuser"] is False
    [role] = data["roles"]
    assert role["role"] == "officer"
    assert role["role_name"]
    assert role["unit"] == {"id": tree["a"].pk, "code": "CS-A", "name": tree["a"].name}
    assert set(role["capabilities"]) == {"view", "report_for_unit"}

    data = api_client(admin).get("/api/v1/me").json()
    assert "manage_units" in data["roles"][0]["capabilities"]
