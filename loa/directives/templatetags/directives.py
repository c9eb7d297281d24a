from django import template

from loa.directives.deadlines import deadline_text, time_left_text

register = template.Library()
register.filter("deadline_text", deadline_text)
register.filter("time_left", time_left_text)

STATE_BADGES = {"pending": "warn", "on_time": "ok", "late": "bad", "returned": "info", "corrected": "ok"}


@register.filter
def state_badge(state):
    return STATE_BADGES.get(state, "")


@register.filter
def percent(part, whole):
    return round(100 * part / whole) if whole else 0


@register.simple_tag(takes_context=True)
def page_gaps(context, task, node, tree="year"):
    """{"no_page": n, "address_missing": m} of the reports under `node` the viewer may see (by the
    task's year's tree or today's)."""
    from loa.directives.selectors import page_gaps as count

    return count(context["request"].user, task, node, tree)
