from django.urls import reverse

from loa.audit.models import AuditEntry

URL = reverse("accounts:password_change")
NEW = {"new_password1": "Mật-khẩu-mới-2025", "new_password2": "Mật-khẩu-mới-2025"}


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_a_user_changes_their_password_and_stays_logged_in(password_login, alice):
    client = password_login(alice)
    response = client.post(URL, NEW)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Mật-khẩu-mới-2025")
    assert client.get(reverse("accounts:profile")).status_code == 200
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor == alice and entry.unit_path == alice.roles.get().unit.path


def test_a_session_that_has_not_entered_the_password_lately_must_confirm_it_first(login, alice):
    client = login(alice)  # signed in long ago, or on a computer left open
    response = client.post(URL, NEW)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:reauth"))
    alice.refresh_from_db()
    assert alice.check_password("pass-for-tests")
    assert not AuditEntry.objects.filter(action="user.password_changed").exists()


def test_two_different_new_passwords_are_refused(password_login, alice):
    client = password_login(alice)
    response = client.post(URL, {"new_password1": "Xyz-12345-abc", "new_password2": "Xyz-12345-abd"})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("pass-for-tests")
