"""Helpers for the stories of two pages editing the same thing (loa.core.versions)."""

import re

from django.test import Client


def second_browser(user):
    """Another browser (its own session) signed in as `user`: the same person on a phone and a PC,
    or a colleague."""
    client = Client()
    client.force_login(user)
    return client


def form_values(response, name="form"):
    """What a page's form holds as the browser would send it back untouched, hidden version included."""
    form = response.context[name]
    return {field.html_name: "" if field.value() is None else field.value() for field in form}


def version_on(response):
    """The version a page's form carries (its hidden field)."""
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, "the page carries no version"
    return int(match.group(1))
