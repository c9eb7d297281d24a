import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from loa.accounts.models import Role, User
from loa.accounts.tokens import invite_tokens
from loa.audit.models import AuditEntry
from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message

URL = reverse("accounts:user_invite")


def _form(unit, **extra):
    return {
        "full_name": "Đinh Thị Mới",
        "email": "moi@example.vn",
        "phone": "0912 345 678",
        "unit": unit.pk,
        "role": "officer",
        **extra,
    }


def _invite(client, unit, **extra):
    return client.post(URL, _form(unit, **extra))


def _link(body):
    return re.search(r"https?://\S+/accounts/invite/\S+/", body).group(0)


def test_anonymous_is_sent_to_log_in(client, db):
    assert reverse("accounts:login") in client.get(URL).url


def test_an_officer_without_user_rights_gets_404(password_login, bob):
    assert password_login(bob).get(URL).status_code == 404


def test_an_admin_invites_a_user_who_gets_an_e_mail(password_login, admin, tree):
    client = password_login(admin)
    assert client.get(URL).status_code == 200
    response = _invite(client, tree["a"])
    user = User.objects.get(email="moi@example.vn")
    assert response.url == reverse("accounts:user_detail", args=[user.pk])
    assert user.username == "moi" and user.phone == "+84912345678"
    assert not user.has_usable_password() and user.is_invited
    assert Role.objects.filter(user=user, unit=tree["a"], role="officer").exists()
    entry = AuditEntry.objects.get(action="user.invited")
    assert entry.actor == admin and entry.unit_path == tree["a"].path
    message = Message.objects.get()
    assert message.recipient == "moi@example.vn" and "moi" in message.body
    assert tree["a"].name in message.body


def test_an_invalid_phone_is_refused_naming_the_field(password_login, admin, tree):
    response = _invite(password_login(admin), tree["a"], phone="12345")
    assert response.status_code == 400
    assert "không phải số điện thoại Việt Nam hợp lệ" in response.content.decode()
    assert not User.objects.filter(email="moi@example.vn").exists()


def test_an_e_mail_already_in_use_is_refused(password_login, admin, tree, alice):
    response = _invite(password_login(admin), tree["a"], email="ALICE@example.vn")
    assert response.status_code == 400
    assert "alice@example.vn" in response.content.decode().lower()


def test_an_admin_cannot_invite_at_a_unit_above_their_scope(password_login, upper_admin, tree):
    response = _invite(password_login(upper_admin), tree["province"])
    assert response.status_code == 404
    assert not User.objects.filter(email="moi@example.vn").exists()


def _accept(client, link, settings, password="Mật-khẩu-của-tôi-1"):
    path = link[len(settings.SITE_URL) :]
    return path, client.post(path, {"new_password1": password, "new_password2": password})


def test_the_invitation_link_works_once(client, password_login, admin, tree, settings):
    _invite(password_login(admin), tree["a"])
    client.logout()
    deliver_due()
    link = _link(mail.outbox[-1].body)
    path = link[len(settings.SITE_URL) :]
    page = client.get(path)
    assert page.status_code == 200 and "moi" in page.content.decode()
    path, response = _accept(client, link, settings)
    assert response.url == reverse("home")
    user = User.objects.get(username="moi")
    assert user.check_password("Mật-khẩu-của-tôi-1")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(action="user.invite_accepted", actor=user).exists()

    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "Lời mời này không còn dùng được" in again.content.decode()
    _, second = _accept(client, link, settings, password="Khác-hẳn-2")
    assert second.status_code == 410
    user.refresh_from_db()
    assert user.check_password("Mật-khẩu-của-tôi-1")


def test_the_invitation_link_expires(client, password_login, admin, tree, settings, monkeypatch):
    _invite(password_login(admin), tree["a"])
    client.logout()
    link = _link(Message.objects.get().body)
    later = datetime.now() + timedelta(seconds=settings.INVITE_MAX_AGE + 60)
    monkeypatch.setattr(invite_tokens, "_now", lambda: later)
    _path, response = _accept(client, link, settings)
    assert response.status_code == 410
    assert not User.objects.get(username="moi").has_usable_password()


def test_a_password_reset_link_is_no_invitation(client, password_login, admin, tree, settings):
    from loa.accounts.tokens import reset_tokens, uidb64

    _invite(password_login(admin), tree["a"])
    client.logout()
    user = User.objects.get(username="moi")
    path = reverse("accounts:invite_accept", args=[uidb64(user), reset_tokens.make_token(user)])
    assert client.get(path).status_code == 410


def test_sending_again_replaces_the_first_link(client, password_login, admin, tree, settings):
    admin_client = password_login(admin)
    _invite(admin_client, tree["a"])
    user = User.objects.get(username="moi")
    first = _link(Message.objects.get().body)
    response = admin_client.post(reverse("accounts:invite_resend", args=[user.pk]))
    assert response.status_code == 302
    second = _link(Message.objects.order_by("-id").first().body)
    client.logout()
    assert client.get(first[len(settings.SITE_URL) :]).status_code == 410
    assert client.get(second[len(settings.SITE_URL) :]).status_code == 200


@pytest.mark.parametrize("who", ["bob", "upper_admin"])
def test_an_outsider_cannot_send_an_invitation_again(request, password_login, admin, tree, who):
    _invite(password_login(admin), tree["province"])
    user = User.objects.get(username="moi")
    outsider = request.getfixturevalue(who)
    response = password_login(outsider).post(reverse("accounts:invite_resend", args=[user.pk]))
    assert response.status_code == 404
