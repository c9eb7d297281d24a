"""Issue 11, item 1: a one-tap link from a reminder signs the officer in for that unit's report
only. Whoever holds a forwarded Zalo message can file the report, and nothing else: not the
e-mail (after which a password reset would go to them), not an API token, not another page."""

import pytest
from django.urls import reverse

from loa.accounts.models import ApiToken
from loa.directives import onetap
from loa.directives.models import Assignment, ReportVersion
from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


@pytest.fixture
def report_url(letter, tree):
    return reverse("directives:report", args=[letter[1].pk, tree["a"].pk])


@pytest.fixture
def tapped(client, alice, letter, tree):
    """The client of whoever tapped alice's link (alice, or anyone she forwarded it to)."""
    assignment = Assignment.objects.get(task=letter[1], unit=tree["a"])
    _, url = onetap.create_link(user=alice, assignment=assignment)
    response = client.post(url.split("127.0.0.1:8000")[-1])
    assert response.status_code == 302
    return client


def _sent_to_log_in(response):
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_takeover_from_a_forwarded_link_is_refused(tapped, alice, tree, letter):
    profile = reverse("accounts:profile")
    changed = {"full_name": "Hoàng Thị An", "phone": "", "email": "ke-gian@example.vn", "language": "vi"}
    refused = {
        "change the e-mail": tapped.post(profile, changed),
        "issue an API token": tapped.post(reverse("accounts:token_create"), {"name": "của tôi"}),
        "open the profile": tapped.get(profile),
        "change the password": tapped.get(reverse("accounts:password_change")),
        "open the user list": tapped.get(reverse("accounts:user_list")),
        "open her unit's page": tapped.get(reverse("units:detail", args=[tree["a"].pk])),
        "open another unit's report": tapped.get(reverse("directives:report", args=[letter[1].pk, tree["b"].pk])),
        "open the home page": tapped.get(reverse("home")),
    }
    assert {what for what, response in refused.items() if not _sent_to_log_in(response)} == set()
    alice.refresh_from_db()
    assert alice.email == "alice@example.vn"
    assert not ApiToken.objects.exists()


def test_a_one_tap_session_cannot_re_authenticate_into_account_changes(tapped):
    response = tapped.post(reverse("accounts:reauth") + "?next=/accounts/profile/", {"password": "pass-for-tests"})
    assert _sent_to_log_in(response)
    assert _sent_to_log_in(tapped.get(reverse("accounts:profile")))


def test_the_api_refuses_a_one_tap_session(tapped):
    assert tapped.get("/api/v1/me").status_code == 401


def test_the_officer_files_the_report_and_sees_the_receipt_and_the_paper_form(tapped, report_url, letter, tree):
    assert tapped.get(report_url).status_code == 200
    response = tapped.post(report_url, GOOD_PAGE)
    assert response.status_code == 302
    assert tapped.get(response.url).status_code == 200  # the receipt
    assert tapped.get(reverse("directives:unit_form", args=[letter[1].pk, tree["a"].pk, "docx"])).status_code == 200
    assert ReportVersion.objects.get().source == "link"


def test_the_log_in_page_says_why_in_vietnamese_and_names_the_officer(tapped):
    page = tapped.get(reverse("accounts:profile"), follow=True).content.decode()
    assert "đăng nhập bằng mật khẩu" in page
    assert 'value="alice"' in page


def test_the_session_lasts_a_few_hours_not_two_weeks(tapped, settings):
    assert settings.ONETAP_SESSION_SECONDS - 60 < tapped.session.get_expiry_age() <= settings.ONETAP_SESSION_SECONDS


def test_logging_in_with_the_password_makes_it_a_full_session(tapped, alice, settings):
    response = tapped.post(
        reverse("accounts:login") + "?next=/accounts/profile/", {"username": "alice", "password": "pass-for-tests"}
    )
    assert response.status_code == 302 and response.url == "/accounts/profile/"
    assert tapped.get("/accounts/profile/").status_code == 200
    assert tapped.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert tapped.get("/api/v1/me").status_code == 200


def test_a_link_opened_in_a_full_session_keeps_it_full(password_login, alice, letter, tree):
    client = password_login(alice)
    assignment = Assignment.objects.get(task=letter[1], unit=tree["a"])
    _, url = onetap.create_link(user=alice, assignment=assignment)
    client.post(url.split("127.0.0.1:8000")[-1])
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_fragment_request_is_sent_whole_to_log_in(tapped):
    response = tapped.get(reverse("accounts:user_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
