"""Helpers for the stories of two pages editing the same thing (loa.core.versions)."""

import re

from django.test import Client
from django.urls import reverse


def second_browser(user, password="pass-for-tests"):
    """Another browser (its own session) signed in as `user` with the password, as a person does:
    the same person on a phone and a PC, or a colleague."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": password})
    assert response.status_code == 302, "the log-in failed"
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
