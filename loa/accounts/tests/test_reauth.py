"""Account changes ask for the password again unless it was entered in the last REAUTH_SECONDS."""

import time

import pytest
from django.urls import reverse

from loa.accounts import reauth
from loa.accounts.models import ApiToken, Role

PROFILE = reverse("accounts:profile")
REAUTH = reverse("accounts:reauth")


def _entered_password_seconds_ago(client, seconds):
    session = client.session
    session[reauth.SESSION_KEY] = time.time() - seconds
    session.save()


def test_the_profile_asks_again_once_the_time_is_up(password_login, alice, settings):
    client = password_login(alice)
    assert client.get(PROFILE).status_code == 200  # the password was entered at log-in
    _entered_password_seconds_ago(client, settings.REAUTH_SECONDS + 1)
    response = client.get(PROFILE)
    assert response.status_code == 302 and response.url == f"{REAUTH}?next=%2Faccounts%2Fprofile%2F"


def test_the_right_password_leads_back_and_the_change_goes_through(login, alice):
    client = login(alice)
    page = client.get(f"{REAUTH}?next=/accounts/profile/")
    assert page.status_code == 200 and "Xác nhận mật khẩu" in page.content.decode()
    response = client.post(REAUTH, {"password": "pass-for-tests", "next": "/accounts/profile/"})
    assert response.status_code == 302 and response.url == PROFILE
    client.post(
        PROFILE,
        {
            "full_name": "Hoàng Thị An",
            "phone": "",
            "email": "an.moi@example.vn",
            "language": "vi",
            "version": alice.version,
        },
    )
    alice.refresh_from_db()
    assert alice.email == "an.moi@example.vn"


def test_a_wrong_password_is_refused_in_vietnamese(login, alice):
    response = login(alice).post(REAUTH, {"password": "sai-mat-khau", "next": "/accounts/profile/"})
    assert response.status_code == 400
    assert "Mật khẩu không đúng" in response.content.decode()


def test_wrong_passwords_are_throttled_like_log_ins(login, alice, settings, client):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    login(alice)
    for _ in range(2):
        client.post(REAUTH, {"password": "sai"})
    third = client.post(REAUTH, {"password": "sai"}).content.decode()
    assert "Đăng nhập sai quá nhiều lần" in third
    right = client.post(REAUTH, {"password": "pass-for-tests"})
    assert right.status_code == 400 and "Đăng nhập sai quá nhiều lần" in right.content.decode()
    # ...and the same lock holds at the log-in page, from this address.
    client.logout()
    at_login = client.post(reverse("accounts:login"), {"username": "alice", "password": "pass-for-tests"})
    assert at_login.status_code == 200 and "Đăng nhập sai quá nhiều lần" in at_login.content.decode()


@pytest.mark.parametrize(
    "target", ["https://ke-gian.example/", "//ke-gian.example/", "javascript:alert(1)", "/\\ke-gian.example"]
)
def test_the_way_back_is_only_a_page_of_this_site(login, alice, target):
    response = login(alice).post(REAUTH, {"password": "pass-for-tests", "next": target})
    assert response.status_code == 302 and response.url == PROFILE


def test_issuing_a_token_asks_for_the_password_first(login, alice):
    response = login(alice).post(reverse("accounts:token_create"), {"name": "Excel"})
    assert response.status_code == 302 and response.url.startswith(REAUTH)
    assert "next=%2Faccounts%2Fprofile%2F%23tokens" in response.url
    assert not ApiToken.objects.exists()


def test_an_admin_must_confirm_their_password_to_give_a_role(login, admin, alice, tree):
    response = login(admin).post(
        reverse("accounts:role_grant", args=[alice.pk]), {"unit": tree["a"].pk, "role": "admin"}
    )
    assert response.status_code == 302 and response.url.startswith(REAUTH)
    assert not Role.objects.filter(user=alice, role="admin").exists()


def test_an_admin_must_confirm_their_password_to_remove_a_role(login, admin, alice):
    role = alice.roles.get()
    response = login(admin).post(reverse("accounts:role_revoke", args=[alice.pk, role.pk]))
    assert response.status_code == 302 and response.url.startswith(REAUTH)
    assert Role.objects.filter(pk=role.pk).exists()


def test_an_outsider_still_gets_404_before_any_password_question(login, bob, alice, tree):
    response = login(bob).post(reverse("accounts:role_grant", args=[alice.pk]), {"unit": tree["a"].pk, "role": "admin"})
    assert response.status_code == 404


def test_inviting_someone_gives_a_role_and_asks_for_the_password_first(login, admin):
    response = login(admin).get(reverse("accounts:user_invite"))
    assert response.status_code == 302 and response.url.startswith(REAUTH)


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(REAUTH)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("password", ["x" * 10_000, "sai\x00\x07\x1b", ""])
def test_hostile_passwords_get_a_clear_answer_and_change_nothing(login, alice, password):
    response = login(alice).post(REAUTH, {"password": password, "next": "/accounts/profile/"})
    assert response.status_code == 400
    assert reauth.SESSION_KEY not in login(alice).session
