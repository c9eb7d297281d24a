import re

from django.core import mail
from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.notifications.delivery import deliver_due
from loa.notifications.models import Message

URL = reverse("accounts:password_reset")


def _link(body):
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", body).group(0)


def test_a_forgotten_password_is_reset_through_the_outbox(client, alice, settings):
    response = client.post(URL, {"email": "ALICE@example.vn"})
    assert response.url == reverse("accounts:password_reset_done")
    # Queued, not sent from the request.
    assert len(mail.outbox) == 0
    message = Message.objects.get()
    assert message.recipient == "alice@example.vn"
    assert message.template == "notifications/email/password_reset"
    assert "alice" in message.body

    assert deliver_due() == 1
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    assert link.startswith(settings.SITE_URL)
    path = link[len(settings.SITE_URL) :]

    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Cao-Bằng-2025-xyz", "new_password2": "Cao-Bằng-2025-xyz"})
    assert done.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("Cao-Bằng-2025-xyz")
    assert AuditEntry.objects.filter(action="user.password_reset", object_id=str(alice.pk)).exists()

    # The same link works only once.
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    assert "đã được dùng hoặc đã hết hạn" in again.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, alice):
    response = client.post(URL, {"email": "nobody@example.vn"})
    assert response.url == reverse("accounts:password_reset_done")
    assert not Message.objects.exists()


def test_a_deactivated_user_gets_no_reset_mail(client, alice):
    alice.is_active = False
    alice.save()
    client.post(URL, {"email": "alice@example.vn"})
    assert not Message.objects.exists()


def test_the_mail_is_written_in_the_users_language(client, alice):
    alice.language = "en"
    alice.save()
    client.post(URL, {"email": "alice@example.vn"})
    message = Message.objects.get()
    assert message.subject == "Reset your Loa password"
    alice.language = "vi"
    alice.save()
    Message.objects.all().delete()
    client.post(URL, {"email": "alice@example.vn"})
    assert Message.objects.get().subject == "Đặt lại mật khẩu Loa"


def test_an_invited_user_who_forgot_gets_the_invitation_again(client, login, admin, tree):
    from loa.accounts.services import user_invite

    user_invite(by=admin, full_name="Đinh Thị Mới", email="moi@example.vn", unit=tree["a"], role="officer")
    Message.objects.all().delete()
    client.post(URL, {"email": "moi@example.vn"})
    message = Message.objects.get()
    assert message.template == "notifications/email/invite"
    assert "/accounts/invite/" in message.body
