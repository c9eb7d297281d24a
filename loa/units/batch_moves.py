"""Moving many units at once: what a restructuring's table does, with the result of one
`services.unit_move` per unit, in a fixed number of set-based statements per chunk of units instead
of some thirty statements per unit (a national table of 10,000 rows; docs/performance.md).

A batch holds moves that do not depend on each other: no unit moved lies under another unit moved,
and no new parent lies under a unit moved (its path is final before the batch starts). `waves`
splits any list of moves into such batches, in an order that gives the same tree as moving them one
at a time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import entry, log_entries
from loa.core import versions
from loa.core.batches import chunked, update_rows
from loa.units import path_copies, placements
from loa.units.models import Unit, UnitPlacement
from loa.units.signals import Moved

if TYPE_CHECKING:
    from loa.accounts.models import User


class UnitMoveError(ValidationError):
    """A move of the batch is refused: `unit_id` says which, so a table's row can be named."""

    def __init__(self, unit_id: int, message: object) -> None:
        super().__init__(message)
        self.unit_id = unit_id


@dataclass(frozen=True)
class Move:
    unit: Unit
    parent: Unit | None


def path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def waves(moves: Sequence[Move]) -> list[list[Move]]:
    """Split moves into batches `move_many` accepts, by the tree as the moves find it: first those
    whose unit and new parent no other pending move carries along, and so on. Each later batch
    must be read again (`refresh`) after the one before it ran. Cycles were refused before (the
    table's check); if one were left, the rest go one at a time."""
    pending = list(moves)
    batches: list[list[Move]] = []
    while pending:
        moving = {m.unit.pk for m in pending}
        ready = [
            m
            for m in pending
            if not moving.intersection(path_ids(m.unit.path)[:-1])
            and (m.parent is None or not moving.intersection(path_ids(m.parent.path)))
        ]
        ready = ready or pending[:1]
        batches.append(ready)
        taken = {id(m) for m in ready}
        pending = [m for m in pending if id(m) not in taken]
        # What the later waves read is what this wave will write: computed here from the paths, so
        # that the caller can plan all the waves before running any.
        pending = _after(ready, pending)
    return batches


def _after(done: list[Move], pending: list[Move]) -> list[Move]:
    """The pending moves with their units' and parents' paths as they will be after `done`."""
    new_path = {m.unit.pk: f"{m.parent.path if m.parent else '/'}{m.unit.pk}/" for m in done}
    old_path = {m.unit.pk: m.unit.path for m in done}

    def follow(unit: Unit | None) -> Unit | None:
        if unit is None:
            return None
        for pk in path_ids(unit.path):
            if pk in new_path:
                moved = copy.copy(unit)
                moved.path = new_path[pk] + unit.path[len(old_path[pk]) :]
                return moved
        return unit

    return [Move(unit=follow(m.unit) or m.unit, parent=follow(m.parent)) for m in pending]


def move_many(*, by: User, moves: Sequence[Move], on: date | None = None) -> list[Move]:
    """Move every unit of the batch under its new parent from the day `on`, with their subtrees.
    Call inside a transaction. Returns the moves done (a unit already under its parent is left
    out), with the units as they are now."""
    on = on or timezone.localdate()
    ids = [m.unit.pk for m in moves]
    if len(set(ids)) != len(ids):
        raise ValueError("a unit moves twice in one batch")
    units = {
        u.pk: u
        for chunk in chunked(ids)
        for u in Unit.objects.select_for_update(of=("self",)).select_related("parent").filter(pk__in=chunk)
    }
    parent_ids = sorted({m.parent.pk for m in moves if m.parent is not None})
    parents = {p.pk: p for chunk in chunked(parent_ids) for p in Unit.objects.filter(pk__in=chunk)}
    todo = [
        Move(unit=units[m.unit.pk], parent=parents[m.parent.pk] if m.parent else None)
        for m in moves
        if units[m.unit.pk].parent_id != (m.parent.pk if m.parent else None)
    ]
    _check(todo, on)
    subtree = _subtrees([m.unit for m in todo])
    old_paths = {m.unit.pk: m.unit.path for m in todo}
    old_parents = {m.unit.pk: m.unit.parent for m in todo}
    _check_days(subtree, on)
    written = _write_tree(todo, subtree)
    moved = [Moved(unit_id=m.unit.pk, old_path=old_paths[m.unit.pk], new_path=m.unit.path) for m in todo]
    path_copies.follow_many(moved, unit_ids=written)
    for chunk in chunked(written):
        placements.follow_tree(on, unit_ids=chunk)
    log_entries(
        entry(
            "unit.moved",
            actor=by,
            obj=m.unit,
            before={"parent": str(old_parents[m.unit.pk]) if old_parents[m.unit.pk] else None},
            after={"parent": str(m.parent) if m.parent else None},
        )
        for m in todo
    )
    return todo


def _check(todo: list[Move], on: date) -> None:
    moving = {m.unit.pk for m in todo}
    for m in todo:
        if m.parent is not None and m.parent.path.startswith(m.unit.path):
            raise UnitMoveError(
                m.unit.pk,
                _("“%(unit)s” cannot be moved under “%(parent)s”: that unit is inside it.")
                % {"unit": m.unit.name, "parent": m.parent.name},
            )
        if moving.intersection(path_ids(m.unit.path)[:-1]) or (
            m.parent is not None and moving.intersection(path_ids(m.parent.path))
        ):
            raise ValueError("moves that depend on each other: split them with waves()")
    if on > timezone.localdate():
        raise UnitMoveError(todo[0].unit.pk if todo else 0, _("A move cannot be dated in the future."))


def _subtrees(roots: list[Unit]) -> dict[int, tuple[int, str, int]]:
    """{unit id: (id of the moved unit above it or itself, path, depth)} over every moved subtree:
    one query per level of the tree below the moved units (and per chunk), whatever their number."""
    found = {u.pk: (u.pk, u.path, u.depth) for u in roots}
    level = [u.pk for u in roots]
    while level:
        below: list[int] = []
        for chunk in chunked(level):
            for pk, parent_id, path, depth in Unit.objects.filter(parent_id__in=chunk).values_list(
                "pk", "parent_id", "path", "depth"
            ):
                found[pk] = (found[parent_id][0], path, depth)
                below.append(pk)
        level = below
    return found


def _write_tree(todo: list[Move], subtree: dict[int, tuple[int, str, int]]) -> list[int]:
    """The new parents, paths and depths of the moved units and of everything under them. Returns
    the ids of every unit whose path changed."""
    now = timezone.now()
    shift: dict[int, tuple[str, str, int]] = {}
    for m in todo:
        old_path, old_depth = m.unit.path, m.unit.depth
        m.unit.parent = m.parent
        m.unit.path = f"{m.parent.path if m.parent else '/'}{m.unit.pk}/"
        m.unit.depth = m.parent.depth + 1 if m.parent else 0
        m.unit.updated_at = now
        versions.bump(m.unit)
        shift[m.unit.pk] = (old_path, m.unit.path, m.unit.depth - old_depth)
    update_rows(
        Unit,
        ["parent", "path", "depth", "updated_at", "version"],
        [(m.unit.pk, m.parent.pk if m.parent else None, m.unit.path, m.unit.depth, now, m.unit.version) for m in todo],
    )
    below = []
    for pk, (root, path, depth) in subtree.items():
        if pk == root:
            continue
        old_root, new_root, delta = shift[root]
        below.append((pk, new_root + path[len(old_root) :], depth + delta))
    update_rows(Unit, ["path", "depth"], below)
    return list(subtree)


def _check_days(subtree: dict[int, tuple[int, str, int]], on: date) -> None:
    """`placements.check_move_day` for every moved subtree: one query per chunk of units."""
    ids = list(subtree)
    for chunk in chunked(ids):
        later = (
            UnitPlacement.objects.filter(unit_id__in=chunk, valid_to__gte=on)
            .order_by("-valid_to")
            .values_list("unit_id", "valid_to")
            .first()
        )
        if later is not None:
            raise UnitMoveError(subtree[later[0]][0], placements.later_move_refusal(later[1]))


def moved_units(ids: Iterable[int]) -> list[Unit]:
    """The units as stored now (after a batch), in the order given."""
    ids = list(ids)
    found = {u.pk: u for chunk in chunked(ids) for u in Unit.objects.filter(pk__in=chunk)}
    return [found[pk] for pk in ids if pk in found]
