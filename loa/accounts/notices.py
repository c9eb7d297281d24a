"""E-mails that tell a user their account changed, so that a takeover cannot go unnoticed.

They go to the address the account had *before* the change (after an e-mail change, to the old
and the new address): whoever changed the address must not be the only one told. Queued in the
outbox within the change's transaction.
"""

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from loa.core.site import absolute_url
from loa.notifications.outbox import enqueue_email

TEMPLATE = "notifications/email/account_changed"


def account_changed(*, user, changes, by=None, to=None):
    """Tell `user` what changed: `changes` is a list of (lazy text, parameters), one line each,
    written in the user's language; `to` the addresses (default: the user's e-mail)."""
    addresses = [a for a in dict.fromkeys(to if to is not None else [user.email]) if a]
    if not addresses or not changes:
        return
    with translation.override(user.language):
        lines = [str(text) % params for text, params in changes]
        subject = _("Your Loa account was changed")
        when = timezone.localtime()
        context = {
            "user": user,
            "lines": lines,
            "when": f"{formats.time_format(when, 'H:i')} {formats.date_format(when, 'd/m/Y')}",
            "by": by if by is not None and by.pk != user.pk else None,
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        }
    for address in addresses:
        enqueue_email(to=address, subject=subject, template=TEMPLATE, context=context, language=user.language)
