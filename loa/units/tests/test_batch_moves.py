"""Many moves at once (a restructuring's table, `batch_moves`) leave the tree, the copies of its paths,
the placements, every area's rollups and the audit log as the same moves made one at a time do."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from loa.articles import rollups as article_rollups
from loa.articles.models import Rollup as ArticleRollup
from loa.articles.services import quota_set
from loa.audit.models import AuditEntry
from loa.directives import rollups as directive_rollups
from loa.directives.models import Assignment
from loa.directives.models import Rollup as DirectiveRollup
from loa.directives.tests.test_unit_moves import _report, province_letter
from loa.units import batch_moves
from loa.units.models import Unit, UnitPlacement
from loa.units.services import unit_create, unit_move

ON = date(2025, 7, 1)


@pytest.fixture
def scene(tree, kinds):
    """Two more upper unions under the province, CĐCS under each, a union with a CĐCS of its own to
    move whole; a province directive to every CĐCS (two of them reporting) and 2021 quotas."""

    def make(parent, code, name, kind="cdcs"):
        return unit_create(by=None, parent=parent, kind=kinds[kind], code=code, name=name)

    u2 = make(tree["province"], "U2", "Công đoàn Giáo dục", "upper")
    u3 = make(tree["province"], "U3", "Công đoàn Khu công nghiệp", "upper")
    u4 = make(tree["province"], "U4", "Công đoàn ngành Xây dựng", "upper")
    c = make(u2, "C", "Công đoàn cơ sở Trường Tiểu học Hợp Giang")
    d = make(u3, "D", "Công đoàn cơ sở Công ty Bình Minh")
    e = make(u4, "E", "Công đoàn cơ sở Công ty Xi măng")
    cdcs = [tree["a"], tree["b"], c, d, e]
    _directive, task = province_letter(tree, recipients=cdcs)
    _report(task, tree["a"], None)
    _report(task, d, None)
    for unit in cdcs:
        quota_set(by=None, unit=unit, year=2021, kind="news", target=3)
    return {**tree, "u2": u2, "u3": u3, "u4": u4, "c": c, "d": d, "e": e, "task": task}


def _moves(scene):
    """A under U2, C under the old union, U4 (with E) under U3, and D under U4 (a new parent that
    moves in the same table: a second wave)."""
    return [
        (scene["a"], scene["u2"]),
        (scene["c"], scene["upper"]),
        (scene["u4"], scene["u3"]),
        (scene["d"], scene["u4"]),
    ]


def _state():
    def rows(qs, *fields):
        return sorted(qs.values_list(*fields))

    return {
        "units": rows(Unit.objects, "pk", "parent_id", "path", "depth", "version"),
        "assignments": rows(Assignment.objects, "pk", "unit_path"),
        "directive_rollups": rows(
            DirectiveRollup.objects, "unit_id", "task_id", "parent_unit_id", *directive_rollups.COUNTERS
        ),
        "article_rollups": rows(
            ArticleRollup.objects, "unit_id", "year", "kind", "parent_unit_id", *article_rollups.TOTALS
        ),
        "placements": rows(UnitPlacement.objects, "unit_id", "parent_id", "path", "valid_from", "valid_to"),
        "audit": rows(AuditEntry.objects.filter(action="unit.moved"), "unit_id", "unit_path", "before", "after"),
        "audit_paths": rows(AuditEntry.objects.exclude(unit=None), "unit_id", "action", "unit_path"),
    }


def _batch(moves, on):
    pending = [batch_moves.Move(unit=Unit.objects.get(pk=u.pk), parent=Unit.objects.get(pk=p.pk)) for u, p in moves]
    for wave in batch_moves.waves(pending):
        batch_moves.move_many(by=None, moves=wave, on=on)


def _one_at_a_time(moves, on):
    for unit, parent in moves:
        unit_move(by=None, unit=Unit.objects.get(pk=unit.pk), new_parent=Unit.objects.get(pk=parent.pk), on=on)


def _after(run, moves):
    with transaction.atomic():
        run(moves, ON)
        state = _state()
        transaction.set_rollback(True)
    return state


def test_a_batch_of_moves_leaves_everything_as_moving_one_at_a_time(scene):
    moves = _moves(scene)
    batch, single = _after(_batch, moves), _after(_one_at_a_time, moves)
    for part in single:
        assert batch[part] == single[part], part
    # And the figures are right, not only alike: the rollups are what a rebuild counts.
    with transaction.atomic():
        _batch(moves, ON)
        kept = _state()
        directive_rollups.rebuild(scene["task"])
        article_rollups.rebuild(2021)
        rebuilt = _state()
        transaction.set_rollback(True)
    assert kept["directive_rollups"] == rebuilt["directive_rollups"]
    assert kept["article_rollups"] == rebuilt["article_rollups"]


def test_the_moved_units_stand_where_the_table_says(scene):
    _batch(_moves(scene), ON)
    u3, u4 = Unit.objects.get(code="U3"), Unit.objects.get(code="U4")
    assert u4.parent_id == u3.pk and u4.path == f"{u3.path}{u4.pk}/"
    e, d = Unit.objects.get(code="E"), Unit.objects.get(code="D")
    assert e.path == f"{u4.path}{e.pk}/" and e.depth == 3
    assert d.parent_id == u4.pk and d.path == f"{u4.path}{d.pk}/" and d.depth == 3
    assert Assignment.objects.get(unit=d).unit_path == d.path
    # D's report now counts for U4 and U3, no longer for... U3 is still above it: counted once.
    u3_row = DirectiveRollup.objects.get(unit=u3, task=scene["task"])
    assert (u3_row.expected, u3_row.reported) == (2, 1)


def test_waves_put_a_moving_parent_before_what_moves_under_it(scene):
    pending = [batch_moves.Move(unit=u, parent=p) for u, p in _moves(scene)]
    first, second = batch_moves.waves(pending)
    assert {m.unit.code for m in first} == {"CS-A", "C", "U4"}
    assert [m.unit.code for m in second] == ["D"]


def test_a_move_dated_before_a_later_move_names_its_unit(scene):
    e_ = Unit.objects.get(pk=scene["e"].pk)
    unit_move(by=None, unit=e_, new_parent=scene["u2"], on=date(2025, 9, 1))
    unit_move(by=None, unit=Unit.objects.get(pk=e_.pk), new_parent=scene["u4"], on=date(2025, 9, 2))
    pending = [batch_moves.Move(unit=Unit.objects.get(pk=u.pk), parent=p) for u, p in _moves(scene)]
    with pytest.raises(batch_moves.UnitMoveError) as refused, transaction.atomic():
        for wave in batch_moves.waves(pending):
            batch_moves.move_many(by=None, moves=wave, on=ON)
    # U4 moves on 1 July, but E, under it today, moved in September: the refusal names U4.
    assert refused.value.unit_id == scene["u4"].pk
    assert "02/09/2025" in " ".join(refused.value.messages)
    assert Unit.objects.get(pk=scene["a"].pk).parent_id == scene["upper"].pk  # nothing applied


def test_a_move_under_its_own_subtree_is_refused(scene):
    with pytest.raises(ValidationError, match="nằm bên trong"):
        batch_moves.move_many(by=None, moves=[batch_moves.Move(unit=scene["u3"], parent=scene["d"])], on=ON)


def test_a_batch_can_move_units_to_the_top_of_the_tree(scene):
    batch_moves.move_many(by=None, moves=[batch_moves.Move(unit=scene["u3"], parent=None)], on=ON)
    u3, d = Unit.objects.get(code="U3"), Unit.objects.get(code="D")
    assert (u3.parent_id, u3.path, u3.depth) == (None, f"/{u3.pk}/", 0)
    assert (d.path, d.depth) == (f"/{u3.pk}/{d.pk}/", 1)
    assert Assignment.objects.get(unit=d).unit_path == d.path
