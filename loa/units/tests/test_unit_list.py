from django.urls import reverse
from django.utils import timezone

from loa.units.services import unit_create, unit_deactivate
from loa.units.tests.conftest import assert_login_redirect

URL = reverse("units:list")


def test_an_officer_sees_their_unit_and_not_the_outsiders(login, alice, bob, tree):
    html = login(alice).get(URL).content.decode()
    assert "Trường THPT Thành phố Cao Bằng" in html
    assert "Bệnh viện" not in html


def test_the_outsider_does_not_see_unit_a(login, bob):
    html = login(bob).get(URL).content.decode()
    assert "Bệnh viện Đa khoa" in html
    assert "Trường THPT" not in html


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(URL))


def test_a_search_without_accents_finds_the_unit(login, admin):
    html = login(admin).get(URL, {"q": "cong doan truong"}).content.decode()
    assert "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng" in html
    assert "Bệnh viện" not in html


def test_htmx_asks_for_the_results_only(login, admin):
    response = login(admin).get(URL, {"q": "benh vien"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="results"' in html and "<html" not in html
    assert "Bệnh viện Đa khoa" in html


def test_units_are_in_vietnamese_alphabetical_order(login, admin, tree, kinds):
    names = ["Đinh", "Dương", "Ân", "Bình", "Ăn", "Ánh", "An"]
    for i, name in enumerate(names):
        unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"ORD-{i}", name=name)

    html = login(admin).get(URL, {"q": "ord-"}).content.decode()

    positions = [html.index(f">{name}</a>") for name in ["An", "Ánh", "Ăn", "Ân", "Bình", "Dương", "Đinh"]]
    assert positions == sorted(positions)


def test_it_filters_by_kind(login, admin):
    html = login(admin).get(URL, {"kind": "cdcs"}).content.decode()
    assert "Trường THPT" in html and "Bệnh viện" in html
    assert ">Liên đoàn Lao động tỉnh Cao Bằng</a>" not in html


def test_it_filters_active_and_inactive_units(login, admin, tree):
    unit_deactivate(by=admin, unit=tree["b"], active_to=timezone.localdate() - timezone.timedelta(days=1))
    client = login(admin)

    inactive = client.get(URL, {"status": "inactive"}).content.decode()
    active = client.get(URL, {"status": "active"}).content.decode()

    assert "Bệnh viện" in inactive and "Trường THPT" not in inactive
    assert "Bệnh viện" not in active and "Trường THPT" in active


def test_it_filters_the_units_under_a_parent(login, admin, tree, kinds):
    other = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    unit_create(by=None, parent=other, kind=kinds["cdcs"], code="CS-YT", name="Công đoàn cơ sở Trạm Y tế xã Hưng Đạo")

    html = login(admin).get(URL, {"under": tree["upper"].pk}).content.decode()

    assert "Trường THPT" in html and "Bệnh viện" in html
    assert "Trạm Y tế" not in html


def test_a_filter_under_a_unit_out_of_reach_is_not_found(login, bob, tree):
    assert login(bob).get(URL, {"under": tree["a"].pk}).status_code == 404


def _add_units(tree, kinds, start, n):
    for i in range(start, start + n):
        unit_create(
            by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"N-{i:03d}", name=f"Công đoàn cơ sở số {i}"
        )


def test_the_list_costs_the_same_queries_whatever_the_number_of_units(
    login, admin, tree, kinds, django_assert_max_num_queries
):
    client = login(admin)
    filters = {"under": tree["upper"].pk, "kind": "cdcs", "status": "active"}
    counts = []
    for start, n in [(0, 5), (5, 55)]:
        _add_units(tree, kinds, start, n)
        # Session, user, roles for the menu, kinds, the "under" unit, count, the page.
        with django_assert_max_num_queries(16) as captured:
            response = client.get(URL, filters)
        assert response.status_code == 200
        counts.append(len(captured))
    assert response.context["page"].paginator.count == 62  # with CĐCS A and B
    assert response.content.decode().count("<tr><td data-label") == 50  # a full page
    assert counts[0] == counts[1]


def test_the_next_page_keeps_the_search(admin, tree, kinds, login):
    from loa.units.services import unit_create

    for i in range(55):
        unit_create(
            by=None,
            parent=tree["upper"],
            kind=kinds["cdcs"],
            code=f"CS-T{i:02d}",
            name=f"Công đoàn cơ sở Trường số {i}",
        )
    page = login(admin).get("/units/?q=truong+so").content.decode()
    assert "Trang 1/2" in page
    assert 'href="?q=truong+so&amp;page=2"' in page
