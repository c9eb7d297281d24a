"""The unit page's history (names and parents with their dates) and the move form's date."""

from datetime import date

import pytest
from django.urls import reverse

from loa.units.models import Unit
from loa.units.services import unit_create, unit_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(tree, kinds):
    return unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")


def test_the_unit_page_shows_its_parents_with_their_dates(login, alice, tree, health):
    unit_move(by=None, unit=tree["a"], new_parent=health, on=date(2025, 3, 1))

    html = login(alice).get(reverse("units:detail", args=[tree["a"].pk])).content.decode()

    assert "Lịch sử" in html and "Các đơn vị cấp trên" in html
    assert 'Công đoàn Viên chức tỉnh Cao Bằng <span class="muted small">… – 28/02/2025</span>' in html
    assert 'Công đoàn Ngành Y tế <span class="muted small">01/03/2025 – nay</span>' in html


def test_the_page_asks_as_many_queries_after_many_moves(login, admin, tree, health, django_assert_max_num_queries):
    client, url = login(admin), reverse("units:detail", args=[tree["a"].pk])
    unit_move(by=None, unit=tree["a"], new_parent=health, on=date(2024, 1, 1))
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for i, parent in enumerate([tree["upper"], health, tree["upper"], health], start=2):
        unit_move(by=None, unit=tree["a"], new_parent=parent, on=date(2024, i, 1))
    with django_assert_max_num_queries(len(first)):
        client.get(url)


def test_the_move_form_takes_the_first_day_under_the_new_parent(login, admin, tree, health):
    a = tree["a"]
    response = login(admin).post(
        reverse("units:move", args=[a.pk]), {"new_parent": health.pk, "on": "2025-03-01", "version": a.version}
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=a.pk).placements.get(valid_to__isnull=True).valid_from == date(2025, 3, 1)


def test_a_move_dated_in_the_future_is_refused_on_the_form(login, admin, tree, health):
    a = tree["a"]
    response = login(admin).post(
        reverse("units:move", args=[a.pk]), {"new_parent": health.pk, "on": "2999-01-01", "version": a.version}
    )
    assert response.status_code == 200
    assert "không thể ghi ngày trong tương lai" in response.content.decode()
    assert Unit.objects.get(pk=a.pk).parent_id == tree["upper"].pk


def test_the_outsider_gets_404(login, bob, tree):
    assert login(bob).get(reverse("units:detail", args=[tree["a"].pk])).status_code == 404
