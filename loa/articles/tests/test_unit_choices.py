"""The progress table drills down by units shown with their codes."""

from django.urls import reverse

from loa.articles.services import quota_set
from loa.units.tests.picking import namesakes


def test_the_progress_table_names_units_with_their_codes(login, admin, tree, kinds):
    here, there = namesakes(tree, kinds)
    for unit in (here, there):
        quota_set(by=admin, unit=unit, year=2021, kind="news", target=5)
    client = login(admin)
    top = client.get(reverse("articles:progress"), {"unit": tree["province"].pk, "year": 2021}).content.decode()
    assert '<span class="unit-code">CDVC</span>' in top and '<span class="unit-code">CDGD-HA</span>' in top
    below = client.get(reverse("articles:progress"), {"unit": tree["upper"].pk, "year": 2021}).content.decode()
    assert '<span class="unit-code">KD-TP</span>' in below and "KD-HA" not in below
