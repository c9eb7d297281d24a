"""The unit list on a big tree: capped count, constant queries, same answers with or without the index."""

import pytest
from django.db.models import Q

from loa.accounts.models import Role, User
from loa.demo.synthetic import ROOT_CODE, build_synthetic
from loa.units import search, views
from loa.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client):
    build_synthetic(units=600, seed=3)
    user = User.objects.create_user(username="national", password="x" * 10)
    Role.objects.create(user=user, unit=Unit.objects.get(code=ROOT_CODE), role="admin")
    client.force_login(user)
    return client


def test_the_count_stops_at_the_cap_and_says_so(national, monkeypatch):
    monkeypatch.setattr(views.CappedIdsPaginator, "cap", 120)
    response = national.get("/units/", {"q": "cong doan"})
    assert response.context["page"].paginator.capped
    assert response.context["page"].paginator.num_pages == 3
    assert "hơn 120 đơn vị" in response.content.decode()


def test_a_narrow_search_shows_its_exact_count(national):
    expected = Unit.objects.search("benh vien").count()
    response = national.get("/units/", {"q": "benh vien"})
    assert 0 < expected < 120
    assert response.context["page"].paginator.count == expected
    assert not response.context["page"].paginator.capped


def test_the_page_keeps_vietnamese_order_and_its_joins(national, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = national.get("/units/", {"q": "truong", "page": 2})
    units = list(response.context["page"])
    assert len(units) == views.PAGE_SIZE
    assert [u.name_sort for u in units] == sorted(u.name_sort for u in units)
    assert all(u.parent is not None for u in units)


def test_the_number_of_queries_does_not_grow_with_the_page(national):
    national.get("/units/", {"q": "tan"})  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for q in ["truong", "cong doan truong tieu hoc", "benh vien"]:
        with CaptureQueriesContext(connection) as ctx:
            national.get("/units/", {"q": q})
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1


@pytest.mark.parametrize("q", ["cong doan truong", "tieu hoc", "so y", "tld-01", "đ"])
def test_searching_row_by_row_finds_the_same_units_as_the_index(q):
    build_synthetic(units=400, seed=5)
    indexed = set(Unit.objects.search(q).values_list("pk", flat=True))
    row_by_row = set(Unit.objects.search(q, use_index=False).values_list("pk", flat=True))
    assert indexed == row_by_row


def test_an_outsider_still_sees_only_the_own_subtree(client, tree, bob):
    client.force_login(bob)
    response = client.get("/units/", {"q": "cong doan"})
    assert [u.code for u in response.context["page"]] == ["CS-B"]


@pytest.mark.parametrize(
    "q", ["cong doan", "cong doan truong", "truong tieu hoc", "tieu hoc", "so y", "tld-01", "đ", "zzz"]
)
@pytest.mark.parametrize("probe", [10, 100, 5000])
def test_the_first_matches_in_order_are_the_same_whichever_way_they_are_found(q, probe):
    build_synthetic(units=400, seed=5)
    expected = list(Unit.objects.search(q, use_index=False).vi_ordered().values_list("pk", flat=True)[:120])
    assert search.first_ids([Q()], q, limit=120, probe=probe) == expected


@pytest.mark.parametrize("q", ["cong doan", "truong tieu hoc", "tld-02"])
def test_the_first_matches_keep_to_the_filters(q):
    build_synthetic(units=400, seed=5)
    province = Unit.objects.get(code=f"{ROOT_CODE}-02")
    filters = [Q(path__startswith=province.path), Q(kind__code="cdcs")]
    expected = list(Unit.objects.filter(*filters).search(q, use_index=False).vi_ordered().values_list("pk", flat=True))
    assert expected
    assert search.first_ids(filters, q, limit=1000, probe=25) == expected


def test_a_search_over_a_big_scope_pages_in_order_with_an_exact_count(
    national, monkeypatch, django_assert_max_num_queries
):
    # A scope "bigger" than the walk, and matches that do not come early in the name order.
    monkeypatch.setattr(views, "SMALL_SCOPE", 20)
    monkeypatch.setattr(views, "SEARCH_WALK", 30)
    expected = list(Unit.objects.search("truong tieu hoc").vi_ordered())
    assert 60 < len(expected) < 1000
    # Session, user, kinds, roles, scope size, name-order walk, word counts, trigram search, page,
    # and whether this admin of a root manages the whole tree (the unit kinds link).
    with django_assert_max_num_queries(10):
        response = national.get("/units/", {"q": "truong tieu hoc", "page": 2})
    page = response.context["page"]
    assert page.paginator.count == len(expected) and not page.paginator.capped
    assert list(page) == expected[views.PAGE_SIZE : 2 * views.PAGE_SIZE]
    assert all(u.kind and u.parent for u in page)


def test_a_search_within_a_filter_keeps_the_filter(national):
    under = Unit.objects.get(code=f"{ROOT_CODE}-01")
    response = national.get("/units/", {"q": "truong", "under": under.pk, "kind": "cdcs"})
    units = list(response.context["page"])
    assert units and all(u.path.startswith(under.path) and u.kind.code == "cdcs" for u in units)
