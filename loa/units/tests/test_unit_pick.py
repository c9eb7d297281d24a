from django.urls import reverse

from loa.units.tests.conftest import assert_login_redirect

URL = reverse("units:pick")


def test_a_search_without_accents_offers_matching_units(login, admin, tree):
    html = login(admin).get(URL, {"name": "parent", "purpose": "manage", "parent_search": "cong doan truong"}).content.decode()
    assert "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng" in html
    assert "Bệnh viện" not in html
    assert f"pick={tree['a'].pk}" in html


def test_picking_a_unit_returns_the_widget_with_it_chosen(login, admin, tree):
    html = login(admin).get(URL, {"name": "parent", "purpose": "manage", "pick": tree["a"].pk}).content.decode()
    assert f'name="parent" value="{tree["a"].pk}"' in html
    assert 'data-testid="picked-parent"' in html


def test_the_viewer_picks_only_among_the_units_they_see(login, bob, tree):
    client = login(bob)
    html = client.get(URL, {"name": "under", "purpose": "view", "under_search": "cong doan"}).content.decode()
    assert "Bệnh viện" in html and "Trường THPT" not in html
    assert client.get(URL, {"name": "under", "purpose": "view", "pick": tree["a"].pk}).status_code == 404


def test_someone_who_manages_nothing_gets_404_for_the_managers_picker(login, bob, tree):
    assert login(bob).get(URL, {"name": "parent", "purpose": "manage", "parent_search": "cong"}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(URL, {"name": "parent", "purpose": "manage"}))
