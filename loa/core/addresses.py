"""Addresses of many rows at once: `reverse()` once per page instead of once per row.

Reversing costs about 20 µs; a table of 1,000 rows spent a tenth of its time there."""

from collections.abc import Callable

from django.urls import reverse

_PROBE = 987654321


def by_id(name: str) -> Callable[[int], str]:
    """A function giving the address of `name` for an id, for a URL whose only argument is an
    int id. It checks the shape once, so that a URL changed to take more (or the id elsewhere
    than at its end) fails loudly here rather than leading rows to wrong pages."""
    sample = reverse(name, args=[_PROBE])
    head, marker, tail = sample.rpartition(str(_PROBE))
    if not marker or str(_PROBE) in head:
        raise ValueError(f"{name} does not end with its id: {sample}")
    return lambda pk: f"{head}{int(pk)}{tail}"
