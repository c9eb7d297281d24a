"""How the scoring pages print a stored number of points."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from loa.scoring.rules import stored_centi

register = template.Library()


@register.filter
def points(value):
    """A stored Decimal as "7,5" (two decimals at most); a damaged one (NaN) as "invalid", never "NaN"."""
    if value is None or value == "":
        return ""
    if stored_centi(value) is None:
        return _("invalid")
    return floatformat(value, "-2")
