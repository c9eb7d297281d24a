"""An editor's list: the review queue's size and its oldest piece (how long it has waited), and the
claims by link waiting for a decision. The queue is the one the queue page shows (its default
channels, oldest first): the count here is the count there."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.articles import queue as review_queue
from loa.todo.items import EDITOR, Item, Link, Section

LONG_WAIT_DAYS = 3


def section(user, *, now):
    mine = review_queue.editor_channels(user)
    waiting = review_queue.queue(user, channel=review_queue.default_channel(mine), mine=mine)
    count = waiting.count()
    items = []
    queue_url = reverse("articles:queue")
    if count:
        oldest = waiting.select_related("unit").first()
        waited = review_queue.waited_text(oldest.submitted_at, now)
        items.append(
            Item(
                kind="review_queue",
                title=ngettext("%(n)s piece waits for review", "%(n)s pieces wait for review", count) % {"n": count},
                detail=_("Waiting longest: “%(title)s” from %(unit)s.")
                % {"title": oldest.title, "unit": oldest.unit.name},
                when=waited,
                url=queue_url,
                action=_("Open the queue"),
                count=count,
                tone="warn" if oldest.submitted_at and (now - oldest.submitted_at).days >= LONG_WAIT_DAYS else "info",
            )
        )
    claims = review_queue.pending_claims(user).count()
    if claims:
        items.append(
            Item(
                kind="claims",
                title=ngettext("%(n)s claim by link waits for you", "%(n)s claims by link wait for you", claims)
                % {"n": claims},
                detail=_("Units found their pieces already published and ask for the credit."),
                url=reverse("articles:claims"),
                action=_("Decide"),
                count=claims,
                tone="info",
            )
        )
    return Section(
        role=EDITOR,
        title=_("Review of news and articles"),
        empty=_("No piece is waiting for review."),
        items=items,
        links=[Link(_("Review queue"), queue_url)],
    )
