"""The receipt after a report: every value as Loa stored it, and the Page corrected in place."""

import pytest
from django.urls import reverse

from loa.directives.tests.factories import fanpage_letter
from loa.fanpages.models import Fanpage, FollowerSnapshot

FORM = {
    "name": "  CĐCS Trường   THPT Thành phố Cao Bằng ",
    "url": "fb.com/cdcs.thpt.tpcb",
    "admin_name": "Hoàng Thị An",
    "admin_phone": "0912.345.678",
    "note": "Đã thành lập\nngày 20/4",
}


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


@pytest.fixture
def urls(letter, tree):
    args = [letter[1].pk, tree["a"].pk]
    return reverse("directives:report", args=args), reverse("directives:receipt", args=args)


def test_the_receipt_shows_every_saved_value_as_stored(alice, login, urls):
    client = login(alice)
    page = client.post(urls[0], FORM, follow=True).content.decode()
    assert 'data-testid="saved-values"' in page
    assert "CĐCS Trường THPT Thành phố Cao Bằng" in page  # spaces folded, as stored
    assert "https://www.facebook.com/cdcs.thpt.tpcb" in page  # the address as normalised
    assert 'href="tel:+84912345678"' in page and "0912 345 678" in page
    assert "Hoàng Thị An" in page and "Đã thành lập<br>ngày 20/4" in page
    assert "Tên Trang Fanpage" in page and "Số điện thoại người quản trị" in page


def test_the_receipt_of_another_unit_is_not_found(bob, login, urls, alice):
    login(alice).post(urls[0], FORM)
    assert login(bob).get(urls[1]).status_code == 404


def test_a_typo_in_the_page_address_just_filed_is_corrected_without_a_replace_box(alice, login, urls, tree):
    client = login(alice)
    client.post(urls[0], dict(FORM, url="fb.com/cdcs.thpt.tpbc"))
    form = client.get(urls[0]).content.decode()
    assert 'name="replace_page"' not in form
    page = client.post(urls[0], FORM, follow=True).content.decode()
    assert "Đã nhận báo cáo" in page
    assert Fanpage.objects.get(unit=tree["a"]).url == "https://www.facebook.com/cdcs.thpt.tpcb"


def test_a_page_with_recorded_followers_keeps_the_replace_flow_with_a_wrapping_error(alice, login, urls, tree):
    client = login(alice)
    client.post(urls[0], FORM)
    FollowerSnapshot.objects.create(
        fanpage=Fanpage.objects.get(unit=tree["a"]), day="2021-05-01", followers=120, source="hand"
    )
    form = client.get(urls[0]).content.decode()
    assert '<label class="tick" for="id_replace_page">' in form
    long_url = "facebook.com/congdoancosotruongtrunghocphothongcaobang"
    response = client.post(urls[0], dict(FORM, url=long_url))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in page and 'href="#id_url"' in page
    assert Fanpage.objects.get(unit=tree["a"]).url == "https://www.facebook.com/cdcs.thpt.tpcb"
    page = client.post(urls[0], dict(FORM, url=long_url, replace_page="on"), follow=True).content.decode()
    assert "Đã nhận báo cáo" in page
    assert Fanpage.objects.get(unit=tree["a"]).url.endswith(long_url.split("/", 1)[1])
