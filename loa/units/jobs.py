"""Background job kinds of the units app (found by loa.jobs.registry)."""

from loa.units import (
    importing,  # noqa: F401  registers "units.import"
    remap,  # noqa: F401  registers "units.restructuring"
)
