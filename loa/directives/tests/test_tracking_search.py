"""Searching within a task's tracking list: every word, accents optional, in the unit's code, name or
short name. On PostgreSQL the words go to the search rows' trigram index, elsewhere they are checked
on the units: the same units either way."""

import pytest
from django.urls import reverse

from loa.directives.tests.factories import fanpage_letter
from loa.units.services import unit_update


def _listed(client, task, q):
    page = client.get(reverse("directives:tracking", args=[task.pk]), {"q": q}).content.decode()
    return {code for code in ("CS-A", "CS-B") if f'data-unit="{code}"' in page}


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("truong thpt", {"CS-A"}),  # accents optional, every word
        ("Trường  Cao Bằng", {"CS-A"}),
        ("benh vien", {"CS-B"}),
        ("cs-b", {"CS-B"}),  # the code
        ("cong doan", {"CS-A", "CS-B"}),
        ("an", {"CS-A", "CS-B"}),  # a word under 3 letters: inside "Thành", "Đoàn"
        ("truong benh", set()),  # every word must be there
        ("uong", {"CS-A"}),  # part of a word
    ],
)
def test_the_tracking_list_finds_units_by_every_word_of_the_search(login, admin, tree, q, found):
    _directive, task = fanpage_letter(tree, by=admin)
    assert _listed(login(admin), task, q) == found


def test_a_renamed_unit_is_found_by_its_new_name(login, admin, tree):
    _directive, task = fanpage_letter(tree, by=admin)
    unit_update(by=admin, unit=tree["b"], name="Công đoàn cơ sở Trường Mầm non Hoa Mai")
    client = login(admin)
    assert _listed(client, task, "mam non") == {"CS-B"}
    assert _listed(client, task, "benh vien") == set()
