"""A unit asked for in a query string by a value that is no id is a 404, like one out of reach."""

import pytest
from django.http import Http404
from django.urls import reverse

from loa.accounts.capabilities import Capability
from loa.accounts.scope import get_unit_or_404
from loa.directives.tests.factories import fanpage_letter


@pytest.mark.parametrize("value", ["abc", "1.5", "", None, "9" * 40])
def test_a_value_that_is_no_id_finds_no_unit(admin, value):
    with pytest.raises(Http404):
        get_unit_or_404(admin, Capability.VIEW, pk=value)


def test_the_unit_filters_of_the_progress_and_tracking_pages_answer_404(login, admin, tree):
    _directive, task = fanpage_letter(tree, by=admin)
    client = login(admin)
    for url in (reverse("articles:progress"), reverse("directives:tracking", args=[task.pk])):
        assert client.get(url, {"unit": "abc"}).status_code == 404
        assert client.get(url, {"unit": tree["a"].pk}).status_code == 200
