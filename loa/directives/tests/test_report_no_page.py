"""The officer's web form says "the unit has no Page yet": the Page's fields are not needed, the note is."""

import re

import pytest
from django.urls import reverse

from loa.directives.tests.factories import fanpage_letter
from loa.fanpages.models import Fanpage

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(tree, admin):
    task = fanpage_letter(tree, by=admin)[1]
    args = [task.pk, tree["a"].pk]
    return reverse("directives:report", args=args), reverse("directives:receipt", args=args), task


def test_the_form_offers_no_page_yet(login, alice, urls):
    page = login(alice).get(urls[0]).content.decode()
    assert 'name="no_page"' in page and "Đơn vị chưa có Trang" in page


def test_an_officer_reports_no_page_yet_with_a_note_and_the_receipt_says_so(login, alice, urls, tree):
    client = login(alice)
    response = client.post(
        urls[0],
        {"no_page": "on", "name": "", "admin_name": "", "admin_phone": "", "note": "Trang đang được lập"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == urls[1]
    page = response.content.decode()
    assert 'data-testid="no-page"' in page and "Trang đang được lập" in page
    assert 'data-field="name"' not in page and 'data-field="admin_phone"' not in page
    report = urls[2].assignments.get(unit=tree["a"]).report
    assert report.data["no_page"] is True and report.data["note"] == "Trang đang được lập"
    assert not Fanpage.objects.filter(unit=tree["a"]).exists()
    again = client.get(urls[0]).content.decode()
    assert re.search(r'<input[^>]*name="no_page"[^>]*checked', again)  # the form opens as it was sent


def test_no_page_yet_without_a_note_asks_why_and_nothing_is_recorded(login, alice, urls, tree):
    response = login(alice).post(urls[0], {"no_page": "on", "note": "  "})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not urls[2].assignments.get(unit=tree["a"]).reported


def test_what_was_typed_in_the_page_fields_is_not_kept_with_no_page_yet(login, alice, urls, tree):
    login(alice).post(urls[0], {"no_page": "on", "name": "Trang thử", "admin_phone": "abc", "note": "Chưa lập Trang"})
    data = urls[2].assignments.get(unit=tree["a"]).report.data
    assert data["name"] == "" and data["admin_phone"] == "" and data["no_page"] is True


def test_without_the_tick_the_page_fields_are_still_required(login, alice, urls, tree):
    response = login(alice).post(urls[0], {"name": "", "admin_name": "", "admin_phone": "", "note": "x"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not urls[2].assignments.get(unit=tree["a"]).reported


def test_an_outsider_cannot_report_no_page_for_another_unit(login, bob, urls, tree):
    response = login(bob).post(urls[0], {"no_page": "on", "note": "Chưa có"})
    assert response.status_code == 404
    assert not urls[2].assignments.get(unit=tree["a"]).reported
