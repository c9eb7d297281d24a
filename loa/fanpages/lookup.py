"""A Page's address found on Facebook by its name, for returned forms that give the name alone."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError

from loa.core.facebook import page_url
from loa.core.text import fold
from loa.integrations.facebook import GraphClient, GraphError

log = logging.getLogger(__name__)


def address_by_name(name, *, client=None):
    """The address of the one Page named exactly `name` (accents and case aside) by the Pages Search API;
    "" when no token is configured, when none or several Pages have that name, or when Graph refuses
    (a wrong guess would register another union's Page: only an exact, single match is taken)."""
    name = " ".join((name or "").split())
    if not name or (client is None and not settings.FACEBOOK_SEARCH_TOKEN):
        return ""
    client = client or GraphClient(settings.FACEBOOK_SEARCH_TOKEN, max_attempts=2)
    try:
        found = client.search_pages(name)
    except GraphError as error:
        log.warning("Pages search for a returned form refused: %s", error)
        return ""
    same = [page for page in found if fold(page.get("name") or "") == fold(name)]
    if len(same) != 1:
        return ""
    try:
        return page_url(same[0].get("link") or f"facebook.com/{same[0]['id']}")
    except ValidationError:
        return ""
