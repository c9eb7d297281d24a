from django import template

register = template.Library()

BADGES = {
    "draft": "",
    "submitted": "info",
    "in_review": "info",
    "returned": "warn",
    "accepted": "ok",
    "rejected": "bad",
    "published": "ok",
    "pending": "info",
    "refused": "bad",
}


@register.filter
def state_badge(state):
    return BADGES.get(state, "")


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
