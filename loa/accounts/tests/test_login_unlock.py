"""An admin lifts a user's log-in lock from the user's page, without knowing the addresses."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from loa.accounts import throttle
from loa.audit.models import AuditEntry

LOGIN = reverse("accounts:login")
LOCKED = "Đăng nhập sai quá nhiều lần"


def _detail(user):
    return reverse("accounts:user_detail", args=[user.pk])


def _unlock(user):
    return reverse("accounts:login_unlock", args=[user.pk])


def _lock_out(client, username, *addresses):
    for ip in addresses:
        for _ in range(5):
            client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)
    client.cookies.clear()


def _can_log_in(client, username, ip):
    response = client.post(LOGIN, {"username": username, "password": "pass-for-tests"}, REMOTE_ADDR=ip)
    client.logout()
    return response.status_code == 302


def test_the_user_page_says_until_when_a_user_is_locked_out(client, login, admin, alice):
    _lock_out(client, "alice", "203.0.113.1")
    text = login(admin).get(_detail(alice)).content.decode()
    assert "Bị khoá đăng nhập đến " + throttle.until_display(throttle.user_locked_until("alice")) in text
    assert "Mở khoá đăng nhập" in text


def test_a_user_who_is_not_locked_shows_no_unlock_button(login, admin, alice):
    text = login(admin).get(_detail(alice)).content.decode()
    assert "Mở khoá đăng nhập" not in text


def test_an_admin_lifts_the_lock_from_every_address_and_it_is_audited(client, admin, alice):
    _lock_out(client, "alice", "203.0.113.1", "2001:db8::1")
    assert not _can_log_in(client, "alice", "203.0.113.1")
    client.force_login(admin)
    response = client.post(_unlock(alice), follow=True)
    assert "Hoàng Thị An đã có thể thử đăng nhập lại ngay bây giờ" in response.content.decode()
    assert "Bị khoá đăng nhập" not in response.content.decode()
    client.logout()
    assert _can_log_in(client, "alice", "203.0.113.1")
    assert _can_log_in(client, "alice", "2001:db8::1")
    entry = AuditEntry.objects.get(action="user.login_unlocked")
    assert entry.actor == admin and entry.object_id == str(alice.pk)
    assert entry.unit_path == alice.roles.get().unit.path
    assert entry.before["locked_until"] and entry.after == {"locked_until": None}


def test_a_lifted_user_is_counted_again_from_zero(client, admin, alice):
    _lock_out(client, "alice", "203.0.113.1")
    client.force_login(admin)
    client.post(_unlock(alice))
    client.logout()
    for _ in range(4):
        client.post(LOGIN, {"username": "alice", "password": "wrong"}, REMOTE_ADDR="203.0.113.1")
    assert _can_log_in(client, "alice", "203.0.113.1")


def test_unlocking_a_user_who_is_not_locked_changes_nothing_and_is_not_audited(login, admin, alice):
    response = login(admin).post(_unlock(alice), follow=True)
    assert "Hoàng Thị An không bị khoá đăng nhập" in response.content.decode()
    assert not AuditEntry.objects.filter(action="user.login_unlocked").exists()


def test_a_password_reset_lifts_the_lock(client, alice):
    from loa.accounts.services import user_set_password

    _lock_out(client, "alice", "203.0.113.1")
    user_set_password(by=alice, user=alice, password="Mat-khau-moi-2027", action="user.password_reset")
    response = client.post(LOGIN, {"username": "alice", "password": "Mat-khau-moi-2027"}, REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 302


def test_anonymous_is_sent_to_log_in(client, alice):
    response = client.post(_unlock(alice))
    assert response.status_code == 302 and LOGIN in response.url


@pytest.mark.parametrize("who", ["upper_admin", "alice", "teammate", "bob", "editor", "leader"])
def test_someone_who_does_not_manage_the_user_gets_404(request, client, login, admin, who):
    """The province admin is out of reach of an upper-union admin, and of officers."""
    _lock_out(client, "admin", "203.0.113.1")
    response = login(request.getfixturevalue(who)).post(_unlock(admin))
    assert response.status_code == 404
    assert throttle.user_locked_until("admin") is not None
    assert not AuditEntry.objects.filter(action="user.login_unlocked").exists()


def test_an_officer_gets_404_for_a_teammate(client, login, alice, teammate):
    _lock_out(client, "teammate", "203.0.113.1")
    assert login(alice).post(_unlock(teammate)).status_code == 404
    assert login(alice).get(_detail(teammate)).status_code == 404


def test_a_lower_admin_lifts_the_lock_of_a_user_in_their_subtree(client, login, upper_admin, bob):
    _lock_out(client, "bob", "203.0.113.1")
    assert login(upper_admin).post(_unlock(bob)).status_code == 302
    assert throttle.user_locked_until("bob") is None


def test_the_unlock_is_a_post(login, admin, alice):
    assert login(admin).get(_unlock(alice)).status_code == 405


# --- manage.py login_unlock ----------------------------------------------------------------------


def test_the_command_lifts_a_user_and_audits_it(client, alice, capsys):
    _lock_out(client, "alice", "203.0.113.1")
    call_command("login_unlock", "--user", "alice")
    assert "alice was locked out of log-in until" in capsys.readouterr().out
    assert _can_log_in(client, "alice", "203.0.113.1")
    entry = AuditEntry.objects.get(action="user.login_unlocked")
    assert entry.actor is None


def test_the_command_lifts_an_address_for_every_user_name(client, alice, bob, settings, capsys):
    settings.LOGIN_THROTTLE_ADDRESS_ATTEMPTS = 8
    _lock_out(client, "alice", "2001:db8:5:6::1")
    for i in range(3):
        client.post(LOGIN, {"username": f"x{i}", "password": "wrong"}, REMOTE_ADDR="2001:db8:5:6::1")
    assert not _can_log_in(client, "bob", "2001:db8:5:6::1")
    call_command("login_unlock", "--address", "2001:db8:5:6::abcd")
    assert "2001:db8:5:6::/64" in capsys.readouterr().out
    assert _can_log_in(client, "alice", "2001:db8:5:6::1")
    assert _can_log_in(client, "bob", "2001:db8:5:6::1")
    assert AuditEntry.objects.get(action="login.address_unlocked").note == "2001:db8:5:6::/64"


def test_the_command_refuses_what_is_not_an_address(db):
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("login_unlock", "--address", "nginx")


def test_the_command_lifts_a_name_nobody_has(db, capsys):
    for _ in range(5):
        throttle.record_failure("ghost", "203.0.113.1")
    call_command("login_unlock", "--user", "ghost")
    assert "No user is named 'ghost'" in capsys.readouterr().out
    assert throttle.blocked("ghost", "203.0.113.1") is None


def test_the_command_needs_a_user_or_an_address(db):
    with pytest.raises(CommandError):
        call_command("login_unlock")
