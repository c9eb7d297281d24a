"""The editors' review queue: which pieces, in which order, found by which words.

One definition for the queue page and the editor's to-do list, so that the count on the home page
is the number of rows the queue shows. Waiting pieces come oldest first: the piece sent first is
decided first, and none waits at the bottom of page 2 while newer ones are read.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.accounts.capabilities import Capability
from loa.accounts.scope import path_q
from loa.articles.models import CreditClaim, Submission
from loa.core.text import search_terms

S = Submission.State
WAITING = "waiting"
STATES = {
    WAITING: (S.SUBMITTED, S.IN_REVIEW),
    "accepted": (S.ACCEPTED,),
    "returned": (S.RETURNED,),
    "published": (S.PUBLISHED,),
    "rejected": (S.REJECTED,),
}


def editor_channels(user):
    """The active channels the user edits: the queue shows theirs first ("mine")."""
    return list(user.article_channels.filter(is_active=True))


def default_channel(mine):
    return "mine" if mine else ""


def queue(user, *, status=WAITING, channel="", q="", mine=()):
    """The pieces in the user's review scope in `status` (unknown: waiting), on `channel` ("mine":
    the user's channels `mine`; an id; "": all), whose title, unit name or unit code holds every
    word of `q`, accents ignored. Waiting pieces oldest sent first, the others latest changed first."""
    qs = Submission.objects.filter(path_q(user, Capability.REVIEW_ARTICLES, field="unit_path"))
    if channel == "mine" and mine:
        qs = qs.filter(channels__in=mine).distinct()
    elif channel.isdigit():
        qs = qs.filter(channels__id=int(channel))
    qs = qs.filter(state__in=STATES.get(status, STATES[WAITING]))
    for term in search_terms(q):
        qs = qs.filter(Q(title_search__contains=term) | Q(unit__search_text__contains=term))
    if status in STATES and status != WAITING:
        return qs.order_by("-updated_at", "-id")
    return qs.order_by("submitted_at", "id")


def pending_claims(user):
    """Claims by link waiting for an editor in the user's review scope."""
    return CreditClaim.objects.filter(
        path_q(user, Capability.REVIEW_ARTICLES, field="unit_path"), state=CreditClaim.State.PENDING
    )


def waited_text(since, now=None):
    """How long a piece sent at `since` has waited: "đã chờ 4 ngày", "đã chờ 5 giờ"."""
    if since is None:
        return ""
    seconds = max(0, ((now or timezone.now()) - since).total_seconds())
    days, hours = int(seconds // 86400), int(seconds // 3600)
    if days:
        return ngettext("waiting for %(n)s day", "waiting for %(n)s days", days) % {"n": days}
    if hours:
        return ngettext("waiting for %(n)s hour", "waiting for %(n)s hours", hours) % {"n": hours}
    return _("sent less than an hour ago")
