"""The outbox page: admins see the messages of their units; everyone else gets 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loa.accounts.models import Role, User
from loa.audit.models import AuditEntry
from loa.notifications.models import Message

pytestmark = pytest.mark.django_db

URL = reverse("notifications:list")


def _msg(unit=None, status="queued", recipient="x@example.vn", channel="email", **extra):
    return Message.objects.create(
        channel=channel,
        recipient=recipient,
        template="t",
        subject=f"Thư cho {recipient}",
        unit=unit,
        status=status,
        **extra,
    )


@pytest.fixture
def upper_admin(tree):
    """An admin at the upper union: below the province, so not a top-level admin."""
    user = User.objects.create_user(username="upper_admin", password="pass-for-tests", full_name="Đinh Văn Trên")
    Role.objects.create(user=user, unit=tree["upper"], role="admin")
    return user


@pytest.fixture
def b_admin(tree):
    user = User.objects.create_user(username="b_admin", password="pass-for-tests", full_name="Lục Thị Bê")
    Role.objects.create(user=user, unit=tree["b"], role="admin")
    return user


def test_a_province_admin_sees_every_message_including_those_without_a_unit(login, admin, tree):
    _msg(tree["a"], recipient="a@example.vn")
    _msg(tree["b"], recipient="b@example.vn")
    _msg(None, recipient="nobody-unit@example.vn")

    response = login(admin).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "a@example.vn" in body and "b@example.vn" in body and "nobody-unit@example.vn" in body


def test_an_admin_below_the_top_sees_only_their_subtree_and_no_unitless_messages(login, upper_admin, b_admin, tree):
    _msg(tree["a"], recipient="a@example.vn")
    _msg(tree["province"], recipient="province@example.vn")
    _msg(None, recipient="nobody-unit@example.vn")

    body = login(upper_admin).get(URL).content.decode()
    assert "a@example.vn" in body
    assert "province@example.vn" not in body
    assert "nobody-unit@example.vn" not in body

    body = login(b_admin).get(URL).content.decode()
    assert "a@example.vn" not in body


def test_an_officer_without_the_capability_gets_404(login, bob, alice, tree):
    _msg(tree["b"])
    assert login(bob).get(URL).status_code == 404
    assert login(alice).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_filters_by_status_channel_and_search(login, admin, tree):
    _msg(tree["a"], status="failed", recipient="hong@example.vn", last_error="SMTP 550 User unknown")
    _msg(tree["a"], status="sent", recipient="da-gui@example.vn")
    _msg(tree["a"], status="failed", channel="zalo", recipient="+84912345678")
    client = login(admin)

    body = client.get(URL, {"status": "failed", "channel": "email"}).content.decode()
    assert "hong@example.vn" in body and "SMTP 550 User unknown" in body
    assert "da-gui@example.vn" not in body and "+84912345678" not in body

    body = client.get(URL, {"q": "DA-GUI"}).content.decode()
    assert "da-gui@example.vn" in body and "hong@example.vn" not in body


def test_the_page_is_in_vietnamese_and_answers_htmx_with_the_results_only(login, admin, tree):
    _msg(tree["a"], status="failed")
    client = login(admin)

    page = client.get(URL).content.decode()
    assert "Hộp thư đi" in page
    assert "Gửi lại" in page

    fragment = client.get(URL, {"status": "failed"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="results"' in fragment
    assert "<html" not in fragment


def test_the_list_takes_as_many_queries_for_thirty_messages_as_for_one(login, admin, tree):
    client = login(admin)
    _msg(tree["a"], status="failed")
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(29):
        _msg(tree["a"] if i % 2 else tree["b"], recipient=f"u{i}@example.vn", status="failed")

    with CaptureQueriesContext(connection) as thirty:
        response = client.get(URL)

    assert response.content.decode().count('data-testid="message-') == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


def test_an_admin_sends_a_failed_message_again(login, admin, tree):
    message = _msg(tree["a"], status="failed", attempts=5, last_error="SMTP 421 try later")

    response = login(admin).post(reverse("notifications:retry", args=[message.pk]), {"next": URL + "?status=failed"})

    assert response.status_code == 302
    assert response["Location"] == URL + "?status=failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 0)
    entry = AuditEntry.objects.get(action="notifications.message.retried")
    assert entry.actor == admin
    assert entry.unit == tree["a"]
    assert entry.before["status"] == "failed" and entry.after["status"] == "queued"


def test_a_message_that_has_not_failed_is_not_sent_again(login, admin, tree):
    message = _msg(tree["a"], status="sent")

    response = login(admin).post(reverse("notifications:retry", args=[message.pk]), follow=True)

    assert "Chỉ có thể gửi lại thư bị lỗi" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert not AuditEntry.objects.filter(action="notifications.message.retried").exists()


def test_an_outsider_cannot_retry_a_message_of_another_unit(login, b_admin, bob, tree):
    message = _msg(tree["a"], status="failed")
    url = reverse("notifications:retry", args=[message.pk])

    assert login(b_admin).post(url).status_code == 404
    assert login(bob).post(url).status_code == 404
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_a_unitless_message_cannot_be_retried_below_the_top(login, upper_admin):
    message = _msg(None, status="failed")
    assert login(upper_admin).post(reverse("notifications:retry", args=[message.pk])).status_code == 404


def test_retry_only_accepts_post(login, admin, tree):
    message = _msg(tree["a"], status="failed")
    assert login(admin).get(reverse("notifications:retry", args=[message.pk])).status_code == 405


def test_retry_does_not_redirect_to_another_site(login, admin, tree):
    message = _msg(tree["a"], status="failed")
    response = login(admin).post(reverse("notifications:retry", args=[message.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == URL
