# English pages keep Vietnamese dates (dd/mm/yyyy) with English number separators.
from loa.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
