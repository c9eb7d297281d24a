"""The Fanpage pages list units to open by name and code: two namesakes differ."""

from django.urls import reverse

from loa.fanpages.models import Fanpage
from loa.units.tests.picking import namesakes


def _page(unit, handle):
    url = f"https://www.facebook.com/{handle}"
    return Fanpage.objects.create(unit=unit, name=f"Trang {unit.code}", url=url, url_key=url.lower())


def test_silent_pages_and_the_province_table_show_codes(login, admin, tree, kinds, django_assert_max_num_queries):
    here, there = namesakes(tree, kinds)
    _page(here, "kimdong.tp")
    _page(there, "kimdong.hoaan")
    client = login(admin)
    silent = client.get(reverse("fanpages:silent") + "?days=1").content.decode()
    assert '<span class="unit-code">KD-TP</span>' in silent and '<span class="unit-code">KD-HA</span>' in silent
    with django_assert_max_num_queries(12):
        table = client.get(reverse("fanpages:index")).content.decode()
    assert '<span class="unit-code">CDVC</span>' in table and '<span class="unit-code">CDGD-HA</span>' in table
