"""Who manages which units, as the unit tree's own import asks it.

The people and their roles (`accounts`) sit above the unit tree in `loa/layers.py`: a role is held
at a unit. The unit import still has to know, for every row, whether the user manages that part of
the tree. So units declares the two questions here and accounts answers them, plugging its answers
in at start-up (`loa/accounts/apps.py`); units imports nothing above it.
"""

from collections.abc import Callable, Sequence
from typing import Any


def _not_plugged(*args: Any) -> Any:
    raise RuntimeError("loa.accounts is not installed: no one answers who manages which units")


# (user) -> the paths of the subtrees where the user may manage units (create, change, move them).
managed_paths: Callable[[Any], Sequence[str]] = _not_plugged
# (user) -> the highest units the user manages: where a column mapping they choose is remembered.
managed_tops: Callable[[Any], Sequence[Any]] = _not_plugged
