"""The unit is told of every return, acceptance, rejection and publication, through the outbox."""

from django.urls import reverse
from django.utils.translation import gettext as _

from loa.accounts.selectors import unit_officers
from loa.core.site import absolute_url
from loa.notifications.outbox import enqueue_email


def _recipients(unit_id, author):
    people = {u.pk: u for u in unit_officers([unit_id]).get(unit_id, [])}
    if author is not None and author.is_active:
        people.setdefault(author.pk, author)
    return [u for u in people.values() if u.email]


def _send(submission, event, subject, **extra):
    link = absolute_url(reverse("articles:detail", args=[submission.pk]))
    for user in _recipients(submission.unit_id, submission.created_by):
        enqueue_email(
            to=user.email,
            unit=submission.unit,
            template=f"notifications/email/article_{event}",
            subject=subject,
            language=getattr(user, "language", "vi") or "vi",
            context={"user": user, "submission": submission, "unit": submission.unit, "link": link, **extra},
            dedupe_key=f"article:{submission.pk}:v{submission.version}:{event}:{user.pk}",
        )


def returned(submission):
    _send(submission, "returned", _("Your piece was returned: %(title)s") % {"title": submission.title})


def accepted(submission):
    _send(submission, "accepted", _("Your piece was accepted: %(title)s") % {"title": submission.title})


def rejected(submission):
    _send(submission, "rejected", _("Your piece was not accepted: %(title)s") % {"title": submission.title})


def published(submission, publication):
    _send(
        submission,
        "published",
        _("Your piece was published on %(channel)s: %(title)s")
        % {"channel": publication.channel, "title": submission.title},
        publication=publication,
    )


def claim_refused(claim):
    for user in _recipients(claim.unit_id, claim.by):
        enqueue_email(
            to=user.email,
            unit=claim.unit,
            template="notifications/email/article_claim_refused",
            subject=_("Your claim was refused: %(title)s") % {"title": claim.title},
            context={"user": user, "claim": claim, "link": absolute_url(reverse("articles:claims"))},
            dedupe_key=f"article-claim:{claim.pk}:refused:{user.pk}",
        )
