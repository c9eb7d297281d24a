# English pages keep Vietnamese dates (dd/mm/yyyy) with English number separators.
from loa.formats.vi.formats import *

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
