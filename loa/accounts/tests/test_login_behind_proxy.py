"""The log-in throttle behind the documented nginx: every request comes from 127.0.0.1, and the
client's address is in X-Forwarded-For. Five bad passwords lock one user from one address only."""

import pytest
from django.urls import reverse

from conftest import _user

URL = reverse("accounts:login")
NGINX = "127.0.0.1"
HOME, OFFICE, ATTACKER = "203.0.113.10", "198.51.100.20", "192.0.2.66"
LOCKED = "Đăng nhập sai quá nhiều lần"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.TRUSTED_PROXIES = ["1"]


def _attempt(client, username, password, *, client_ip, forwarded_for=None):
    """A log-in through nginx, which appends the client's address to X-Forwarded-For."""
    header = f"{forwarded_for}, {client_ip}" if forwarded_for else client_ip
    client.cookies.clear()
    return client.post(
        URL, {"username": username, "password": password}, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=header
    )


def _logged_in(response):
    return response.status_code == 302 and response.url == reverse("home")


def test_five_bad_passwords_lock_alice_from_that_address_only(client, alice, bob):
    for _ in range(5):
        _attempt(client, "alice", "wrong", client_ip=HOME)
    assert LOCKED in _attempt(client, "alice", "pass-for-tests", client_ip=HOME).content.decode()
    assert _logged_in(_attempt(client, "alice", "pass-for-tests", client_ip=OFFICE))
    assert _logged_in(_attempt(client, "bob", "pass-for-tests", client_ip=HOME))


def test_one_mistyping_user_does_not_lock_everyone_behind_the_proxy(client, alice, bob, teammate):
    for _ in range(10):
        _attempt(client, "alice", "wrong", client_ip=HOME)
    for name, ip in [("bob", OFFICE), ("teammate", ATTACKER)]:
        assert _logged_in(_attempt(client, name, "pass-for-tests", client_ip=ip))


def test_a_client_forging_x_forwarded_for_stays_on_its_own_counter(client, alice):
    # nginx appends the real address; whatever the client wrote before it is ignored.
    for i in range(5):
        _attempt(client, "alice", "wrong", client_ip=ATTACKER, forwarded_for=f"10.9.9.{i}")
    response = _attempt(client, "alice", "pass-for-tests", client_ip=ATTACKER, forwarded_for="10.9.9.99, 203.0.113.77")
    assert LOCKED in response.content.decode()
    assert _logged_in(_attempt(client, "alice", "pass-for-tests", client_ip=HOME))


def test_without_a_trusted_proxy_a_forged_x_forwarded_for_changes_nothing(client, alice, settings):
    settings.TRUSTED_PROXIES = []
    for i in range(5):
        client.post(
            URL, {"username": "alice", "password": "wrong"}, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}"
        )
    response = client.post(
        URL,
        {"username": "alice", "password": "pass-for-tests"},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR=HOME,
    )
    assert LOCKED in response.content.decode()


def test_spraying_many_user_names_from_one_address_is_stopped_at_the_address_limit(client, alice, bob, settings):
    assert settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS == 20
    for i in range(19):
        text = _attempt(client, f"officer{i}", "Matkhau@2025", client_ip=ATTACKER).content.decode()
        assert LOCKED not in text
    text = _attempt(client, "officer19", "Matkhau@2025", client_ip=ATTACKER).content.decode()
    assert "Đăng nhập sai quá nhiều lần từ mạng của bạn" in text
    # Even a right password is refused from there now, for any user; elsewhere all is well.
    assert not _logged_in(_attempt(client, "bob", "pass-for-tests", client_ip=ATTACKER))
    assert _logged_in(_attempt(client, "bob", "pass-for-tests", client_ip=OFFICE))


def test_a_success_does_not_clear_the_address_count(client, alice, settings):
    """Else an attacker with one account of their own could log in between guesses for ever."""
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 6
    for i in range(4):
        _attempt(client, f"officer{i}", "wrong", client_ip=ATTACKER)
    assert _logged_in(_attempt(client, "alice", "pass-for-tests", client_ip=ATTACKER))
    _attempt(client, "officer4", "wrong", client_ip=ATTACKER)
    text = _attempt(client, "officer5", "wrong", client_ip=ATTACKER).content.decode()
    assert "Đăng nhập sai quá nhiều lần từ mạng của bạn" in text


def test_an_ipv6_client_counts_by_its_64_so_changing_address_does_not_help(client, alice):
    for i in range(5):
        _attempt(client, "alice", "wrong", client_ip=f"2001:db8:1:2::{i + 1:x}")
    assert LOCKED in _attempt(client, "alice", "pass-for-tests", client_ip="2001:db8:1:2:ffff::9").content.decode()
    assert _logged_in(_attempt(client, "alice", "pass-for-tests", client_ip="2001:db8:1:3::1"))


def test_a_user_made_by_an_admin_logs_in_through_the_proxy(client, tree):
    _user("chu.tich", tree["a"], "officer")
    assert _logged_in(_attempt(client, "chu.tich", "pass-for-tests", client_ip=HOME))
