"""The demo lives in the present for sharing too: items active this week, some shared, some not,
some clicks, and this year's rubric weighs the share rate (F3)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from loa.accounts.models import User
from loa.demo.tests.conftest import clock_at
from loa.scoring.models import Rubric, Score
from loa.sharing.models import ClickDay, Item, Share
from loa.units.models import Unit

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 17)


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True  # the demo command refuses to run without it


def test_the_demo_has_items_of_this_week_shared_or_not_with_clicks_and_the_rubric_reads_them(client):
    call_command("demo", "--today", TODAY.isoformat(), stdout=StringIO())
    items = list(Item.objects.all())
    assert len(items) == 4 and all(i.starts_on <= TODAY <= i.ends_on for i in items)
    cdvc = Unit.objects.get(code="CDVC")
    units = Unit.objects.filter(path__startswith=cdvc.path, kind__is_grassroots=True, active_to__isnull=True)
    mine = Share.objects.filter(unit_path__startswith=cdvc.path).count()
    assert 0 < mine < 4 * units.count()  # some shared, some not
    assert {s.kind for s in Share.objects.all()} == {"declared", "link"}
    assert Share.objects.filter(on_time=False).exists()
    assert ClickDay.objects.filter(clicks__gt=0).exists()
    rubric = Rubric.objects.get(year=TODAY.year)
    assert rubric.criteria.get(code="F3").measure == "share_rate"
    readings = [s.readings["F3"] for s in Score.objects.filter(rubric=rubric)]
    assert any(r[1] for r in readings)  # the units were asked, and the score read it
    with clock_at(TODAY):
        client.force_login(User.objects.get(username="bientap"))
        page = client.get("/sharing/figures/", {"unit": cdvc.pk})
        assert page.status_code == 200 and page.context["total"].asked == 4 * units.count()
