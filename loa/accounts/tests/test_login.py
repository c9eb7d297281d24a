import time

import pytest
from django.urls import reverse

from loa.accounts import throttle

URL = reverse("accounts:login")


def _attempt(client, username, password, ip="127.0.0.1"):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_login_page_offers_a_password_reset_link(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("accounts:password_reset") in response.content.decode()


def test_a_user_logs_in_and_lands_on_the_home_page(client, alice):
    response = _attempt(client, "alice", "pass-for-tests")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.cookies["django_language"].value == "vi"


def test_a_wrong_password_is_refused_in_vietnamese(client, alice):
    response = _attempt(client, "alice", "wrong")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, alice, settings):
    assert settings.LOGIN_THROTTLE_ATTEMPTS == 5
    for _ in range(5):
        assert _attempt(client, "alice", "wrong").status_code == 200
    response = _attempt(client, "alice", "pass-for-tests")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in text
    assert "phút" in text


def test_the_fifth_failure_already_says_when_to_try_again(client, alice, settings):
    for _ in range(4):
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in _attempt(client, "alice", "wrong").content.decode()
    text = _attempt(client, "alice", "wrong").content.decode()
    until = time.time() + settings.LOGIN_THROTTLE_WINDOW
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau" in text
    assert any(throttle.until_display(until + delta) in text for delta in (-60, 0, 60))
    assert "15 phút" in text


def test_the_same_user_from_another_address_is_not_locked(client, alice):
    for _ in range(5):
        _attempt(client, "alice", "wrong", ip="10.0.0.1")
    assert _attempt(client, "alice", "pass-for-tests", ip="10.0.0.2").status_code == 302


def test_the_user_name_is_folded_so_case_and_marks_share_one_count(client, alice):
    for name in ["ALICE", "Alice", "alice", "Àlice", "alicE"]:
        _attempt(client, name, "wrong", ip="10.0.0.1")
    assert "Đăng nhập sai quá nhiều lần" in _attempt(client, "alice", "pass-for-tests", ip="10.0.0.1").content.decode()


def test_another_user_from_another_address_is_unaffected(client, alice, bob):
    for _ in range(6):
        _attempt(client, "alice", "wrong")
    response = _attempt(client, "bob", "pass-for-tests", ip="10.0.0.9")
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(client, alice):
    for _ in range(4):
        _attempt(client, "alice", "wrong")
    assert _attempt(client, "alice", "pass-for-tests").status_code == 302
    client.logout()
    for _ in range(4):
        _attempt(client, "alice", "wrong")
    assert _attempt(client, "alice", "pass-for-tests").status_code == 302


def test_attempts_are_allowed_again_after_the_window(client, alice, settings, monkeypatch):
    for _ in range(5):
        _attempt(client, "alice", "wrong")
    later = time.time() + settings.LOGIN_THROTTLE_WINDOW + 1
    monkeypatch.setattr("loa.accounts.throttle.time.time", lambda: later)
    assert _attempt(client, "alice", "pass-for-tests").status_code == 302


def test_a_deactivated_user_cannot_log_in(client, alice):
    alice.is_active = False
    alice.save()
    response = _attempt(client, "alice", "pass-for-tests")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_takes_you_back_to_the_login_page(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:logout"))
    assert response.url == URL
    assert client.get(reverse("home")).status_code == 302
