from django.urls import reverse

from loa.audit.models import AuditEntry

URL = reverse("accounts:password_change")


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_a_user_changes_their_password_and_stays_logged_in(login, alice):
    client = login(alice)
    response = client.post(URL, {
        "old_password": "pass-for-tests", "new_password1": "Mật-khẩu-mới-2025", "new_password2": "Mật-khẩu-mới-2025",
    })
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Mật-khẩu-mới-2025")
    assert client.get(reverse("accounts:profile")).status_code == 200
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor == alice and entry.unit_path == alice.roles.get().unit.path


def test_a_wrong_old_password_is_refused(login, alice):
    client = login(alice)
    response = client.post(URL, {"old_password": "nope", "new_password1": "Xyz-12345-abc", "new_password2": "Xyz-12345-abc"})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("pass-for-tests")
    assert not AuditEntry.objects.filter(action="user.password_changed").exists()
