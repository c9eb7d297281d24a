"""`manage.py demo --restructure-2025`: the 2025 table applied from a file on top of the demo."""

from io import StringIO

import pytest
from django.core.management import call_command

from loa.units.models import Restructuring, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def test_the_demo_applies_the_2025_table_from_a_file():
    call_command("demo", "--restructure-2025", stdout=StringIO())

    record = Restructuring.objects.get()
    assert record.status == Restructuring.Status.APPLIED
    assert record.file_name.endswith(".csv")
    units = {u.code: u for u in Unit.objects.select_related("parent")}
    assert units["CDVC"].active_to is not None
    assert units["CDVC-30"].active_to is not None  # merged into the teachers' college
    parents = {u.parent.code for u in units.values() if u.parent and u.code.startswith("CDVC-") and u.active_to is None}
    assert parents == {"CDN-GD", "LDLD-TPCB", "LDLD-HA"}
    assert not Unit.objects.filter(parent=units["CDVC"], active_to__isnull=True).exists()
    actions = set(record_entries(record))
    assert {"unit.moved", "unit.merged", "unit.deactivated", "unit.restructuring.applied"} <= actions

    call_command("demo", "--restructure-2025", stdout=StringIO())  # twice does no harm
    assert Restructuring.objects.count() == 1


def test_the_demo_leaves_the_tree_alone_without_the_option():
    call_command("demo", stdout=StringIO())
    assert not Restructuring.objects.exists()
    assert Unit.objects.get(code="CDVC").active_to is None


def record_entries(record):
    from loa.units.remap import restructuring_entries

    return restructuring_entries(record).values_list("action", flat=True)
