"""Where each unit stood over time: placements written by create, move and the unit import, and
the tree as of a day read back from them."""

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from loa.units import placements, selectors
from loa.units.importing import import_units
from loa.units.models import Unit, UnitPlacement
from loa.units.services import unit_create, unit_move, unit_update
from loa.units.tests.import_helpers import row, xlsx

pytestmark = pytest.mark.django_db

MARCH, SEPTEMBER = date(2025, 3, 1), date(2025, 9, 15)


def _placements(unit):
    return [(p.parent_id, p.valid_from, p.valid_to) for p in selectors.placement_history(unit)]


@pytest.fixture
def health(tree, kinds):
    return unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")


@pytest.fixture
def section(tree, kinds):
    return unit_create(by=None, parent=tree["a"], kind=kinds["cdcs"], code="CS-A-1", name="Tổ công đoàn Khoa Toán")


def test_a_new_unit_stands_under_its_parent_from_its_first_day(tree, kinds):
    unit = unit_create(
        by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-N", name="Trường Mới", active_from=date(2024, 9, 5)
    )
    assert _placements(unit) == [(tree["upper"].pk, date(2024, 9, 5), None)]
    assert _placements(tree["a"]) == [(tree["upper"].pk, None, None)]  # no first day: since registered


def test_two_moves_on_different_days_leave_three_placements_and_parent_on_answers_each_day(tree, health, section):
    a = tree["a"]
    unit_move(by=None, unit=a, new_parent=health, on=MARCH)
    unit_move(by=None, unit=a, new_parent=tree["province"], on=SEPTEMBER)

    assert _placements(a) == [
        (tree["upper"].pk, None, MARCH - timedelta(days=1)),
        (health.pk, MARCH, SEPTEMBER - timedelta(days=1)),
        (tree["province"].pk, SEPTEMBER, None),
    ]
    for day, parent in [
        (date(2024, 12, 31), tree["upper"]),
        (MARCH - timedelta(days=1), tree["upper"]),
        (MARCH, health),
        (date(2025, 6, 30), health),
        (SEPTEMBER, tree["province"]),
        (timezone.localdate(), tree["province"]),
    ]:
        assert selectors.parent_on([a.pk, section.pk], day) == {a.pk: parent.pk, section.pk: a.pk}, day
    # The section kept its parent but not its path: three placements, one line of parent history.
    assert len(_placements(section)) == 3
    assert [line["parent_id"] for line in selectors.parent_history(section)] == [a.pk]
    assert selectors.path_on([section.pk], date(2025, 6, 1)) == {section.pk: f"{health.path}{a.pk}/{section.pk}/"}
    assert selectors.ancestor_ids_on([section.pk], date(2025, 6, 1)) == {
        section.pk: [tree["province"].pk, health.pk, a.pk]
    }


def test_the_units_under_a_union_on_a_day_are_those_it_had_then(tree, health, section):
    a, upper = tree["a"], tree["upper"]
    unit_move(by=None, unit=a, new_parent=health, on=MARCH)

    def under(unit, day):
        prefix = selectors.path_on([unit.pk], day)[unit.pk]
        return set(selectors.subtree_on(prefix, day).values_list("unit_id", flat=True))

    assert under(upper, date(2025, 1, 1)) == {upper.pk, a.pk, section.pk, tree["b"].pk}
    assert under(upper, date(2025, 6, 1)) == {upper.pk, tree["b"].pk}
    assert under(health, date(2025, 1, 1)) == {health.pk}
    assert under(health, date(2025, 6, 1)) == {health.pk, a.pk, section.pk}


def test_a_second_move_the_same_day_corrects_that_days_placement(tree, health):
    a = tree["a"]
    unit_move(by=None, unit=a, new_parent=health, on=MARCH)
    unit_move(by=None, unit=a, new_parent=tree["province"], on=MARCH)
    assert _placements(a) == [(tree["upper"].pk, None, MARCH - timedelta(days=1)), (tree["province"].pk, MARCH, None)]


def test_a_move_is_not_dated_before_a_recorded_move_nor_in_the_future(tree, health, section):
    unit_move(by=None, unit=section, new_parent=tree["b"], on=SEPTEMBER)
    # The section moved in September: its old parent cannot move in March, taking it along.
    with pytest.raises(ValidationError) as refused:
        unit_move(by=None, unit=tree["b"], new_parent=health, on=MARCH)
    assert "on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        unit_move(by=None, unit=tree["a"], new_parent=health, on=timezone.localdate() + timedelta(days=1))
    assert Unit.objects.get(pk=tree["b"].pk).parent_id == tree["upper"].pk
    unit_move(by=None, unit=tree["b"], new_parent=health, on=SEPTEMBER)  # the same day is fine


def test_every_unit_has_one_open_placement_where_it_stands(tree, health, section):
    unit_move(by=None, unit=tree["upper"], new_parent=health, on=MARCH)
    unit_move(by=None, unit=tree["a"], new_parent=tree["b"])
    open_ones = dict(UnitPlacement.objects.filter(valid_to__isnull=True).values_list("unit_id", "path"))
    assert open_ones == dict(Unit.objects.values_list("id", "path"))


def test_an_import_that_moves_units_records_where_they_stand_from_today(admin, tree, section):
    today = timezone.localdate()
    outcome = import_units(
        xlsx(
            [
                row("UP-2", "Ngành Y tế", "LDLD", kind="cd-cap-tren"),
                row("CS-A", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng", "UP-2", members=60, staff=65),
            ]
        ),
        by=admin,
        commit=True,
    )
    assert outcome.errors == [] and (outcome.created, outcome.moved) == (1, 1)
    up2, a = Unit.objects.get(code="UP-2"), tree["a"]
    assert _placements(up2) == [(tree["province"].pk, None, None)]
    assert _placements(a) == [(tree["upper"].pk, None, today - timedelta(days=1)), (up2.pk, today, None)]
    assert selectors.path_on([section.pk], today) == {section.pk: f"{up2.path}{a.pk}/{section.pk}/"}
    assert selectors.parent_on([a.pk], today - timedelta(days=1)) == {a.pk: tree["upper"].pk}


def test_names_over_time_come_from_the_audit_log(tree):
    a = tree["a"]
    unit_update(by=None, unit=a, name="Công đoàn Trường THPT Cao Bằng")
    lines = selectors.name_history(a)
    assert [line["name"] for line in lines] == ["Công đoàn Trường THPT Cao Bằng"]  # renamed the day it was made
    Unit.objects.filter(pk=a.pk).update(active_from=date(2020, 1, 1))
    a.refresh_from_db()
    assert selectors.name_history(a)[0]["valid_from"] == date(2020, 1, 1)


def test_the_selectors_ask_one_query_whatever_the_number_of_units(tree, health, django_assert_num_queries):
    ids = list(Unit.objects.values_list("id", flat=True))
    with django_assert_num_queries(1):
        selectors.parent_on(ids, MARCH)
    with django_assert_num_queries(1):
        selectors.path_on(ids, MARCH)
    with django_assert_num_queries(1):
        list(selectors.subtree_on(tree["province"].path, MARCH))
    with django_assert_num_queries(1):
        selectors.parent_history(tree["a"])


def test_a_changed_first_day_moves_the_first_placements_start(tree, kinds):
    unit = unit_create(
        by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-N", name="Trường Mới", active_from=date(2024, 9, 5)
    )
    unit_update(by=None, unit=unit, active_from=date(2024, 9, 1))
    assert _placements(unit) == [(tree["upper"].pk, date(2024, 9, 1), None)]


def test_the_migration_and_open_missing_give_every_unit_one_open_placement(tree):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("loa.units.migrations.0007_unit_placement")
    Unit.objects.filter(pk=tree["a"].pk).update(active_from=date(2019, 5, 1))
    UnitPlacement.objects.all().delete()
    # What the migration uses of its schema editor (SQLite opens none inside a test's transaction).
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.open_placements(apps, editor)
    expected = {pk: (path, first) for pk, path, first in Unit.objects.values_list("id", "path", "active_from")}
    rows = UnitPlacement.objects.filter(valid_to__isnull=True).values_list("unit_id", "path", "valid_from")
    assert {pk: (path, first) for pk, path, first in rows} == expected
    assert expected[tree["a"].pk][1] == date(2019, 5, 1)
    UnitPlacement.objects.filter(unit=tree["b"]).delete()
    placements.open_missing()
    assert UnitPlacement.objects.count() == Unit.objects.count()
