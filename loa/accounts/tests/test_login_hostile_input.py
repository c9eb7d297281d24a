"""The log-in form answers hostile user names with a clear Vietnamese message, never a 500."""

import pytest
from django.urls import reverse

URL = reverse("accounts:login")


@pytest.mark.parametrize(
    "username, message",
    [
        # Control characters never reach the form (loa.core.controls): "ali\x00ce" is alice, wrongly.
        ("ali\x00ce", "Tên đăng nhập hoặc mật khẩu không đúng"),
        ("a" * 10_000, "Tên đăng nhập hoặc mật khẩu không đúng"),
        ("alice\x07\x1b[31m\r\nSet-Cookie: x=1", "Tên đăng nhập hoặc mật khẩu không đúng"),
        ("\u202ealice", "Tên đăng nhập hoặc mật khẩu không đúng"),
        ("' OR 1=1 --", "Tên đăng nhập hoặc mật khẩu không đúng"),
        ("   ", "Trường này là bắt buộc"),
        ("", "Trường này là bắt buộc"),
    ],
)
def test_a_hostile_user_name_gets_a_vietnamese_message(client, alice, username, message):
    response = client.post(URL, {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_nul_typed_into_the_password_is_removed_before_it_is_checked(client, alice):
    response = client.post(URL, {"username": "alice", "password": "pass-for-tests\x00"})
    assert response.status_code == 302  # the NUL is removed at the door: what is left is alice's password


def test_bytes_that_are_not_utf8_are_a_wrong_user_name(client, alice):
    response = client.post(URL, b"username=%ED%A0%80%FF&password=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_hostile_user_names_are_counted_and_locked_like_any_other(client, alice, settings):
    name = "x\x01" * 70
    for _ in range(settings.LOGIN_THROTTLE_ATTEMPTS):
        response = client.post(URL, {"username": name, "password": "wrong"})
    assert response.status_code == 200
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_a_hostile_address_from_the_proxy_is_still_answered(client, alice, settings):
    settings.TRUSTED_PROXIES = ["1"]
    for forwarded in ["\x00", "1.2.3.4\r\nX: y", "9" * 5000, "[::1", "::1]:80", "fe80::1%eth0"]:
        response = client.post(
            URL,
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        assert response.status_code == 200
        assert response.wsgi_request.META["REMOTE_ADDR"] == "127.0.0.1"
