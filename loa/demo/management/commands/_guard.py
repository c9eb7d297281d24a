from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def refuse_unless_debug():
    """The demo logins share a published password: never on a production instance."""
    if not settings.DEBUG:
        raise CommandError(
            _(
                "The demo data is for development only and this instance runs with DEBUG off. "
                "Set DEBUG=true (as `make run` does) to load it."
            )
        )
