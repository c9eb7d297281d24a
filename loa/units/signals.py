"""Signals other areas listen to, so that the unit tree need not know them."""

from django.dispatch import Signal

# Sent with `units` (a queryset or list of units) whose name changed: copies of their sort key
# elsewhere (e.g. directives' assignments) follow.
units_renamed = Signal()
