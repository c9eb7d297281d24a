from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loa.core.text import fold, sort_key
from loa.demo.synthetic import PROVINCES, ROOT_CODE, build_synthetic
from loa.units.models import Unit, UnitPlacement

pytestmark = pytest.mark.django_db


def test_it_builds_a_consistent_national_tree_of_2000_units():
    # Its speed at 130,000 units is bench/'s business (docs/performance.md).
    call_command("demo_synthetic", units=2000, stdout=StringIO())

    units = {u.pk: u for u in Unit.objects.select_related("kind")}
    root = next(u for u in units.values() if u.code == ROOT_CODE)
    assert root.parent_id is None and root.path == f"/{root.pk}/"
    for u in units.values():
        if u.parent_id:
            parent = units[u.parent_id]
            assert u.path == f"{parent.path}{u.pk}/", u.code
            assert u.depth == parent.depth + 1
        assert u.name_sort == sort_key(u.name), u.name
        assert u.search_text == fold(f"{u.code} {u.name} {u.short_name}")
    depth = Counter(u.depth for u in units.values())
    assert depth[1] == len(PROVINCES) == 34
    grassroots = [u for u in units.values() if u.kind.is_grassroots]
    assert len(grassroots) == 2000 and all(u.depth == 3 for u in grassroots)
    assert all(not units[u.parent_id].kind.is_grassroots for u in grassroots)
    members = sum(u.members_count for u in grassroots)
    assert 150_000 < members < 190_000  # 11 million for 130,000, scaled
    assert all(0 < u.members_count <= u.staff_count for u in grassroots)
    assert all(u.name.startswith("Công đoàn cơ sở ") for u in grassroots)
    # Each unit stands where it stands in its placements too (the tree as of a day).
    placed = dict(UnitPlacement.objects.filter(valid_to__isnull=True).values_list("unit_id", "path"))
    assert placed == {pk: u.path for pk, u in units.items()}


def test_the_same_seed_builds_the_same_tree():
    build_synthetic(units=300, seed=7)
    first = list(Unit.objects.order_by("id").values_list("code", "name", "members_count"))
    call_command("demo_synthetic", units=300, seed=7, reset=True, stdout=StringIO())
    assert list(Unit.objects.order_by("id").values_list("code", "name", "members_count")) == first


def test_it_refuses_a_second_tree_without_reset():
    build_synthetic(units=100)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo_synthetic", units=100, stdout=StringIO())


def test_the_synthetic_tree_can_be_searched_and_listed(client):
    from loa.accounts.models import Role, User

    build_synthetic(units=500)
    root = Unit.objects.get(code=ROOT_CODE)
    user = User.objects.create_user(username="national", password="x" * 10)
    Role.objects.create(user=user, unit=root, role="admin")
    client.force_login(user)
    response = client.get("/units/", {"q": "cong doan truong"})
    assert response.status_code == 200
    names = [u.name for u in response.context["page"]]
    assert names and all("Trường" in n for n in names)
    assert names == sorted(names, key=sort_key)


def test_reset_removes_the_tree_with_the_roles_held_in_it():
    from loa.accounts.models import Role, User

    build_synthetic(units=100)
    user = User.objects.create_user(username="bench", password="x" * 10)
    Role.objects.create(user=user, unit=Unit.objects.get(code=f"{ROOT_CODE}-01"), role="admin")
    call_command("demo_synthetic", units=50, reset=True, stdout=StringIO())
    assert not Role.objects.filter(user=user).exists()
    assert Unit.objects.filter(kind__is_grassroots=True).count() == 50


def test_the_synthetic_tree_sits_beside_the_demo_scenario():
    call_command("demo", stdout=StringIO())
    before = Unit.objects.count()
    call_command("demo", units=200, stdout=StringIO())
    assert Unit.objects.count() > before + 200
    assert Unit.objects.get(code="CDVC").name == "Công đoàn Viên chức tỉnh Cao Bằng"
