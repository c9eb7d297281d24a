"""Copies of unit paths stored in other tables, kept in step with the tree by one mechanism.

Some tables keep their unit's path (`unit_path`) beside the unit's id. The pages that read them
filter by subtree and sort on that table alone: a task's 130,000 assignments under one union, a
year's scores, the review queue, the audit log are each one indexed prefix query (`LIKE '/1/7/%'`)
without a join to the unit table, which at that size is what keeps them fast. The price is that a
move must rewrite the copies, and that is done here, not by each area: every app registers its
copies from its AppConfig.ready (`register(Assignment, "unit_path")`), and `follow_move` rewrites
every registered copy of a moved subtree with one UPDATE per copy, in the mover's transaction.

Figures kept per ancestor (rollups) cannot be rewritten by a prefix: each area recounts its own
from the `subtrees_moved` signal that `follow_move` sends after the copies are right
(`loa.units.rollup_moves` does the arithmetic for the usual rollup table).

The units app imports no area: the areas come to it.
"""

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat, Substr

from loa.core.batches import chunked
from loa.units.signals import Moved, subtrees_moved

_copies = []  # [(model, field name, field of the unit's id)]


def register(model, field="unit_path", id_field="unit_id"):
    """Declare that `model.field` holds a copy of the path of the unit `model.id_field` (idempotent)."""
    if (model, field) not in registered():
        _copies.append((model, field, id_field))


def registered():
    """The registered copies, as (model, field) pairs."""
    return tuple((model, field) for model, field, _id in _copies)


def rewrite(old_path, new_path):
    """Rewrite every registered copy under `old_path` to lie under `new_path`: one UPDATE per copy.
    Returns {"app_label.Model.field": rows rewritten}."""
    rewritten = {}
    for model, field, _id in _copies:
        count = model._base_manager.filter(**{f"{field}__startswith": old_path}).update(
            **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
        )
        rewritten[f"{model._meta.label}.{field}"] = count
    return rewritten


def rewrite_units(unit_ids):
    """Copy the units' paths as the tree holds them now into every registered copy of them: one
    UPDATE per copy for the ids given (a chunk of a restructuring's units, scattered over the tree,
    where one prefix per moved unit would cost an UPDATE per unit and copy)."""
    from loa.units.models import Unit

    for model, field, id_field in _copies:
        rows = model._base_manager.filter(**{f"{id_field}__in": unit_ids})
        if "__" not in id_field:
            rows.update(**{field: Subquery(Unit.objects.filter(pk=OuterRef(id_field)).values("path")[:1])})
            continue
        # The unit is reached through another table (a publication's submission): an UPDATE cannot
        # join, so the rows are read and written back, a batch at a time (a few per unit).
        unit_path = id_field.removesuffix("_id") + "__path"
        changed = [model(pk=pk, **{field: path}) for pk, path in rows.values_list("pk", unit_path)]
        model._base_manager.bulk_update(changed, [field], batch_size=1000)


def follow_move(*, unit, old_path, new_path):
    """After `unit` moved from `old_path` to `new_path` (its subtree's own paths already rewritten):
    every stored copy follows, then each area recounts its rollups (`subtrees_moved`). Call inside
    the move's transaction, so that nobody ever reads the tree and its copies out of step."""
    if old_path == new_path:
        return {}
    rewritten = rewrite(old_path, new_path)
    subtrees_moved.send(sender=type(unit), moves=[Moved(unit_id=unit.pk, old_path=old_path, new_path=new_path)])
    return rewritten


def follow_many(moves, *, unit_ids):
    """`follow_move` for a batch of independent moves (`loa.units.batch_moves`): the copies of the
    units `unit_ids` (every unit of the moved subtrees) take their paths from the tree, then one
    `subtrees_moved` for all the moves."""
    for chunk in chunked(list(unit_ids)):
        rewrite_units(chunk)
    if moves:
        subtrees_moved.send(sender=None, moves=list(moves))


def follow_moves(moves):
    """`follow_move` for several units moved by one write (a unit list import): [(unit, old path,
    new path)], the tree already in its final shape. They are followed one at a time, those nearest
    the root of the new tree first, each from the path its copies have by then (the moves before it
    may have carried it along): so the copies never describe a unit under its own subtree, and each
    step is an ordinary move."""
    done = []
    for unit, old_path, new_path in sorted(moves, key=lambda m: (m[2].count("/"), m[2])):
        current = old_path
        for before, after in done:
            if current.startswith(before):
                current = after + current[len(before) :]
        follow_move(unit=unit, old_path=current, new_path=new_path)
        done.append((current, new_path))
