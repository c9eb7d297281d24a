from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from loa.directives import onetap
from loa.directives.models import Assignment, OneTapLink, ReportVersion
from loa.directives.tests.factories import fanpage_letter
from loa.fanpages.models import Fanpage

FORM = {
    "name": "CĐCS Trường THPT Thành phố Cao Bằng",
    "url": "https://fb.com/cdcs.thpt.tpcb",
    "admin_name": "Hoàng Thị An",
    "admin_phone": "0912.345.678",
    "note": "",
}


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


@pytest.fixture
def form_url(letter, tree):
    return reverse("directives:report", args=[letter[1].pk, tree["a"].pk])


def test_the_form_is_prefilled_from_the_register(letter, tree, alice, login, form_url):
    Fanpage.objects.create(
        unit=tree["a"],
        name="Trang cũ của A",
        url="https://www.facebook.com/trangcu",
        url_key="https://www.facebook.com/trangcu",
        admin_name="Người cũ",
        admin_phone="+84912345678",
    )
    page = login(alice).get(form_url).content.decode()
    assert 'value="Trang cũ của A"' in page
    assert "0912 345 678" in page


def test_a_wrong_phone_gets_a_vietnamese_message_and_keeps_what_was_typed(alice, login, form_url, letter, tree):
    response = login(alice).post(form_url, dict(FORM, admin_phone="0123 45"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "không phải số điện thoại Việt Nam hợp lệ" in page
    assert 'value="CĐCS Trường THPT Thành phố Cao Bằng"' in page
    assert Assignment.objects.get(task=letter[1], unit=tree["a"]).state == "pending"


def test_a_good_report_leads_to_a_receipt_with_the_time(alice, login, form_url, letter, tree):
    client = login(alice)
    response = client.post(form_url, FORM, follow=True)
    page = response.content.decode()
    assert "Đã nhận báo cáo" in page
    assert timezone.localtime().strftime("%d/%m/%Y") in page
    assert Assignment.objects.get(task=letter[1], unit=tree["a"]).state == "late"  # 2021's deadline is long past


def test_a_double_tap_is_recorded_once(alice, login, form_url, letter):
    client = login(alice)
    client.post(form_url, FORM)
    response = client.post(form_url, FORM, follow=True)
    assert "không gửi lại lần hai" in response.content.decode()
    assert ReportVersion.objects.count() == 1


def test_a_returned_report_shows_the_reason(alice, admin, login, form_url, letter, tree):
    client = login(alice)
    client.post(form_url, FORM)
    login(admin).post(
        reverse("directives:return", args=[letter[1].pk, tree["a"].pk]), {"reason": "Tên Trang chưa đúng"}
    )
    page = login(alice).get(form_url).content.decode()
    assert "Tên Trang chưa đúng" in page


# --- one-tap links ---------------------------------------------------------------------------


def _link(alice, letter, tree, **kw):
    assignment = Assignment.objects.get(task=letter[1], unit=tree["a"])
    return onetap.create_link(user=alice, assignment=assignment, **kw)


def test_a_one_tap_link_signs_the_officer_in_once(alice, letter, tree, client, form_url):
    _, url = _link(alice, letter, tree)
    path = url.split("127.0.0.1:8000")[-1]
    assert client.get(path).status_code == 200  # a chat app's link preview: nothing used yet
    assert OneTapLink.objects.get().used_at is None
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == form_url
    assert client.get(form_url).status_code == 200
    client.logout()
    again = client.post(path)
    assert again.status_code == 410
    assert "đã được dùng" in again.content.decode()


def test_an_expired_link_says_so_and_offers_to_log_in(alice, letter, tree, client, form_url):
    _, url = _link(alice, letter, tree, lifetime=timedelta(seconds=-1))
    response = client.get(url.split("127.0.0.1:8000")[-1])
    page = response.content.decode()
    assert response.status_code == 410 and "hết hạn" in page
    assert "next=" in page


def test_a_tampered_link_is_refused(alice, letter, tree, client):
    _, url = _link(alice, letter, tree)
    path = url.split("127.0.0.1:8000")[-1]
    response = client.post(path[:-3] + "xyz/")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_link_opens_only_its_own_units_form(alice, bob, letter, tree, client):
    _, url = _link(alice, letter, tree)
    client.post(url.split("127.0.0.1:8000")[-1])
    other = reverse("directives:report", args=[letter[1].pk, tree["b"].pk])
    response = client.get(other)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_report_form_is_kept_on_the_phone_for_its_user_and_says_when_it_waits_for_the_network(
    alice, login, form_url
):
    page = login(alice).get(form_url).content.decode()
    assert f'data-offline-form="{alice.pk}"' in page
    assert 'data-offline-status="pending"' in page and "Chưa gửi được — sẽ tự gửi lại khi có mạng." in page
    assert "Những gì đồng chí đã gõ trước đó trên máy này đã được khôi phục." in page
