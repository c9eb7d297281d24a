"""Signals other areas listen to, so that the unit tree need not know them."""

from django.dispatch import Signal

# Sent with `units` (a queryset or list of units) whose name changed: copies of their sort key
# elsewhere (e.g. directives' assignments) follow.
units_renamed = Signal()

# Sent with `unit`, `old_path` and `new_path` when a unit moved with its subtree, inside the move's
# transaction, after the tree and every stored copy of its paths (`loa.units.path_copies`) were
# rewritten: each area recounts the figures it keeps per ancestor (its rollups) for the old and the
# new ancestors.
subtree_moved = Signal()
