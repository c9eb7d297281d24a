from django.urls import reverse

from loa.units.tests.conftest import assert_login_redirect

URL = reverse("units:tree")


def test_an_officer_starts_the_tree_at_their_unit(login, alice, tree):
    html = login(alice).get(URL).content.decode()
    assert "Trường THPT" in html and "Bệnh viện" not in html


def test_a_branch_loads_the_children(login, admin, tree):
    html = login(admin).get(URL, {"parent": tree["upper"].pk}).content.decode()
    assert "Trường THPT" in html and "Bệnh viện" in html


def test_the_outsider_gets_404_for_a_branch_of_unit_a(login, bob, tree):
    assert login(bob).get(URL, {"parent": tree["a"].pk}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(URL))
