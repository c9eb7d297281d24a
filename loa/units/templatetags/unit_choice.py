"""`{% unit_choice unit parent %}`: a unit as a choice (its name, its code, its parent's short name
when given), the markup of `units/_unit_choice.html`'s `choice` partial, which renders this tag.

A tag, not only an include: a table of 3,000 upper unions (the national Fanpage table) renders one
per row, and a template rendered per row costs several times a tag's work."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def unit_choice(unit, parent=None):
    """Give the parent only when the query loaded it (select_related), or every unit costs one
    more query."""
    above = format_html(' <span class="unit-parent">· {}</span>', parent.short_name or parent.name) if parent else ""
    return format_html(
        '<span class="unit-choice"><span class="unit-name">{}</span> <span class="unit-code">{}</span>{}</span>',
        unit.name,
        unit.code,
        above,
    )
