from django import template

from loa.articles.queue import waited_text

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


@register.filter
def waited(since, now=None):
    """{{ piece.submitted_at|waited:now }}: "đã chờ 4 ngày"."""
    return waited_text(since, now)
