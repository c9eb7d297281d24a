from django.urls import reverse

from loa.accounts.models import ApiToken
from loa.audit.models import AuditEntry

URL = reverse("accounts:profile")


def test_anonymous_is_sent_to_log_in(client, db):
    assert reverse("accounts:login") in client.get(URL).url


def test_a_user_sees_and_edits_their_details(password_login, alice):
    client = password_login(alice)
    page = client.get(URL)
    assert page.status_code == 200 and "Hoàng Thị An" in page.content.decode()
    response = client.post(
        URL,
        {
            "full_name": "Hoàng Thị Anh",
            "phone": "0206 3852 123",
            "email": "an@example.vn",
            "language": "en",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    alice.refresh_from_db()
    assert (alice.full_name, alice.phone, alice.language) == ("Hoàng Thị Anh", "+842063852123", "en")
    entry = AuditEntry.objects.get(action="user.profile_updated")
    assert ("full_name", "Hoàng Thị An", "Hoàng Thị Anh") in entry.changes()


def test_a_bad_phone_number_is_refused(password_login, alice):
    response = password_login(alice).post(
        URL, {"full_name": "Hoàng Thị An", "phone": "999", "email": "", "language": "vi", "version": 1}
    )
    assert response.status_code == 400
    assert "không phải số điện thoại Việt Nam hợp lệ" in response.content.decode()


def test_details_saved_on_the_pc_are_not_overwritten_by_the_phone_page_opened_before(alice):
    from loa.core.tests.editing import form_values, second_browser

    pc, phone = second_browser(alice), second_browser(alice)
    on_pc, on_phone = pc.get(URL), phone.get(URL)
    assert pc.post(URL, {**form_values(on_pc), "phone": "0912 345 678"}).status_code == 302

    response = phone.post(URL, {**form_values(on_phone), "full_name": "Hoàng Thị Anh"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Thông tin của bạn đã được sửa ở trang hoặc thiết bị khác" in html
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows == {"phone": ("0912 345 678", "—"), "full_name": ("Hoàng Thị An", "Hoàng Thị Anh")}
    alice.refresh_from_db()
    assert (alice.full_name, alice.phone) == ("Hoàng Thị An", "+84912345678")
    assert 'name="version" value="2"' in html and 'type="hidden"' in html and ">Version<" not in html


def test_a_token_is_shown_once_listed_and_revoked(password_login, alice):
    client = password_login(alice)
    response = client.post(reverse("accounts:token_create"), {"name": "Báo cáo Excel"})
    assert response.status_code == 200
    raw = response.context["new_token"]["raw"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.digest == ApiToken.hash(raw)
    listing = client.get(URL).content.decode()
    assert "Báo cáo Excel" in listing and raw not in listing
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="api_token.").order_by("id")] == [
        "api_token.created",
        "api_token.revoked",
    ]


def test_a_token_needs_a_name(password_login, alice):
    response = password_login(alice).post(reverse("accounts:token_create"), {"name": " "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_users_token(password_login, alice, bob):
    token, _raw = ApiToken.issue(user=alice, name="x")
    assert password_login(bob).post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
