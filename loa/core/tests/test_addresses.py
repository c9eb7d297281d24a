"""Addresses reversed once per page give each row the address reverse() would."""

import pytest
from django.urls import NoReverseMatch, reverse

from loa.core import addresses


@pytest.mark.parametrize("name", ["units:detail", "sharing:figures_unit"])
def test_each_id_gets_the_address_reverse_gives(name):
    address = addresses.by_id(name)
    for pk in (1, 7, 10, 987654321, 123456789012):
        assert address(pk) == reverse(name, args=[pk])


def test_a_url_whose_id_is_not_its_only_argument_is_refused_at_once():
    with pytest.raises((NoReverseMatch, ValueError)):
        addresses.by_id("directives:unit_form")
