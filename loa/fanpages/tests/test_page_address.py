"""The Page's address added afterwards, by the unit's officer or by staff above it."""

import pytest
from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.directives import services as directive_services
from loa.directives.documents import consolidated_rows
from loa.directives.tests.factories import fanpage_letter
from loa.fanpages.models import Fanpage, FanpageVersion
from loa.fanpages.services import set_page_address

pytestmark = pytest.mark.django_db

REPORT = {
    "name": "CĐCS Trường THPT Thành phố Cao Bằng",
    "admin_name": "Hoàng Thị An",
    "admin_phone": "0912 345 678",
    "note": "",
}


@pytest.fixture
def task(tree, admin):
    return fanpage_letter(tree, by=admin)[1]


@pytest.fixture
def reported_without_address(task, tree, alice):
    """CĐCS A's report, filed from the official form: no column for the address."""
    assignment = task.assignments.get(unit=tree["a"])
    directive_services.report_submit(by=alice, assignment=assignment, data=REPORT)
    return Fanpage.objects.get(unit=tree["a"])


def address_url(unit):
    return reverse("fanpages:address", args=[unit.pk])


def test_staff_add_the_address_from_the_tracking_badge_and_the_badge_disappears(
    login, admin, task, tree, reported_without_address
):
    client = login(admin)
    tracking = reverse("directives:tracking", args=[task.pk])
    page = client.get(tracking).content.decode()
    assert f'href="{address_url(tree["a"])}?next=' in page and "chưa có địa chỉ Trang" in page
    form = client.get(address_url(tree["a"]) + f"?next={tracking}").content.decode()
    assert "Thêm địa chỉ Trang" in form
    response = client.post(
        address_url(tree["a"]),
        {"url": "m.facebook.com/cdcs.thpt.tpcb/?ref=share", "version": "1", "next": tracking},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == tracking
    page = response.content.decode()
    assert "Đã lưu địa chỉ Trang." in page
    assert 'data-testid="no-address"' not in page and "chưa có địa chỉ Trang" not in page
    fanpage = Fanpage.objects.get(unit=tree["a"])
    assert fanpage.url == "https://www.facebook.com/cdcs.thpt.tpcb" and fanpage.version == 2
    assert FanpageVersion.objects.filter(fanpage=fanpage).count() == 2  # the report, then the address
    entry = AuditEntry.objects.get(action="fanpage.address.set")
    assert entry.actor == admin and entry.before["url"] == "" and entry.after["url"] == fanpage.url


def test_the_consolidated_report_shows_an_address_added_after_the_report(admin, task, tree, reported_without_address):
    node = task.directive.issuing_unit

    def row_of_a():
        return next(row for row in consolidated_rows(admin, task, node) if row[1] == tree["a"].name)

    assert "chưa có địa chỉ Trang" in row_of_a()[2]
    set_page_address(by=admin, unit=tree["a"], url="fb.com/cdcs.thpt.tpcb", expected_version=1)
    assert row_of_a()[2] == f"{REPORT['name']}\nhttps://www.facebook.com/cdcs.thpt.tpcb"


def test_the_officer_adds_the_address_from_the_unit_s_fanpage_page(login, alice, tree, reported_without_address):
    client = login(alice)
    unit_page = client.get(reverse("fanpages:unit", args=[tree["a"].pk])).content.decode()
    assert 'data-testid="add-address"' in unit_page and "chưa có địa chỉ Trang" in unit_page
    response = client.post(address_url(tree["a"]), {"url": "fb.com/cdcs.thpt.tpcb", "version": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("fanpages:unit", args=[tree["a"].pk])
    assert 'href="https://www.facebook.com/cdcs.thpt.tpcb"' in response.content.decode()
    assert "chưa có địa chỉ Trang" not in response.content.decode()


def test_an_outsider_gets_404_for_the_form_and_the_post(login, bob, tree, reported_without_address):
    client = login(bob)
    assert client.get(address_url(tree["a"])).status_code == 404
    assert client.post(address_url(tree["a"]), {"url": "fb.com/x.y", "version": "1"}).status_code == 404
    assert Fanpage.objects.get(unit=tree["a"]).url == ""


def test_a_unit_without_a_registered_page_has_no_address_form(login, admin, tree):
    assert login(admin).get(address_url(tree["a"])).status_code == 404


def test_an_address_registered_by_another_unit_is_refused_with_its_name(login, admin, tree, reported_without_address):
    Fanpage.objects.create(
        unit=tree["b"],
        name="Trang B",
        url="https://www.facebook.com/cdcsb",
        url_key="https://www.facebook.com/cdcsb",
        admin_name="Bế Văn Bảo",
        admin_phone="+84912345679",
    )
    response = login(admin).post(address_url(tree["a"]), {"url": "facebook.com/CDCSB", "version": "1"})
    assert response.status_code == 400
    assert tree["b"].name in response.content.decode()
    assert Fanpage.objects.get(unit=tree["a"]).url == ""


@pytest.mark.parametrize("value", ["facebook.com/cdcs\x00.thpt", "fb.com/cdcs\x07\x1b.thpt"])
def test_control_characters_in_the_address_are_dropped_before_it_is_checked(
    login, alice, tree, reported_without_address, value
):
    login(alice).post(address_url(tree["a"]), {"url": value, "version": "1"})
    assert Fanpage.objects.get(unit=tree["a"]).url == "https://www.facebook.com/cdcs.thpt"


@pytest.mark.parametrize(
    "value", ["https://example.com/cdcs.thpt", "javascript:alert(1)", "   ", "facebook.com/" + "x" * 400]
)
def test_a_foreign_or_malformed_address_gets_a_clear_message_and_nothing_is_stored(
    login, alice, tree, reported_without_address, value
):
    response = login(alice).post(address_url(tree["a"]), {"url": value, "version": "1"})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    page = Fanpage.objects.get(unit=tree["a"])
    assert page.url == "" and page.version == 1


def test_a_form_opened_before_someone_else_saved_shows_the_conflict_and_keeps_theirs(
    login, admin, alice, tree, reported_without_address
):
    login(alice).post(address_url(tree["a"]), {"url": "fb.com/cdcs.thpt.tpcb", "version": "1"})
    response = login(admin).post(address_url(tree["a"]), {"url": "fb.com/cdcs.other", "version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-testid="conflict"' in page and "https://www.facebook.com/cdcs.thpt.tpcb" in page
    assert Fanpage.objects.get(unit=tree["a"]).url == "https://www.facebook.com/cdcs.thpt.tpcb"


def test_the_same_address_sent_twice_is_kept_once(login, alice, tree, reported_without_address):
    client = login(alice)
    client.post(address_url(tree["a"]), {"url": "fb.com/cdcs.thpt.tpcb", "version": "1"})
    again = client.post(address_url(tree["a"]), {"url": "fb.com/cdcs.thpt.tpcb", "version": "1"})
    assert again.status_code == 409  # the second tap started from the old version: nothing is written twice
    assert AuditEntry.objects.filter(action="fanpage.address.set").count() == 1


def test_a_form_without_its_version_is_refused_as_out_of_date(login, alice, tree, reported_without_address):
    response = login(alice).post(address_url(tree["a"]), {"url": "fb.com/cdcs.thpt.tpcb", "version": "-3"})
    assert response.status_code == 400
    assert Fanpage.objects.get(unit=tree["a"]).url == ""
