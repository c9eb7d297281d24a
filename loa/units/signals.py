"""Signals other areas listen to, so that the unit tree need not know them."""

from dataclasses import dataclass

from django.dispatch import Signal

# Sent with `units` (a queryset or list of units) whose name changed: copies of their sort key
# elsewhere (e.g. directives' assignments) follow.
units_renamed = Signal()


@dataclass(frozen=True)
class Moved:
    """A unit that moved with its subtree: its path before and after."""

    unit_id: int
    old_path: str
    new_path: str


# Sent with `moves` (a list of `Moved`: one for a move, thousands for a restructuring's table) when
# units moved with their subtrees, inside the move's transaction, after the tree and every stored
# copy of its paths (`loa.units.path_copies`) were rewritten: each area recounts the figures it
# keeps per ancestor (its rollups) for the old and the new ancestors, in a few statements for the
# whole list (`loa.units.rollup_moves`). No unit of the list lies under another one of it.
subtrees_moved = Signal()

# Sent by `loa.units.restructure` when units merge, inside the merge's transaction, after the tree
# took its new shape (target created or updated, sources closed): `sources` (units), `target`, `on`
# (the first day of the merged unit), `by`, `dry_run` and `plan` (a `restructure.Plan`). Each area
# moves its open items from the sources to the target through its own services and says what it
# moved with `plan.add(area, text)`. A dry run is the same work rolled back: what the plan says is
# exactly what applying does; so a receiver writes only to the database (mail and jobs through
# transaction.on_commit, which a rollback drops).
units_merged = Signal()

# The same for a split: `source`, `targets` (units), `choices` ({area: the target unit that takes
# the area's items, e.g. "fanpages", "directives", "articles"}), `on`, `by`, `dry_run`, `plan`.
unit_split = Signal()
