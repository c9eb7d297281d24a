"""In a browser at 390×844: the leader reads the demo's ranking in a few screens, with a chart whose
words are readable, and reaches the lagging units in one tap."""

from io import StringIO

import pytest
from django.core.management import call_command

from conftest import browser_login
from loa.scoring.models import Rubric, Score

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREEN = 844


@pytest.fixture
def demo_year(settings):
    settings.DEBUG = True  # the demo command refuses to run without it
    call_command("demo", stdout=StringIO())
    settings.DEBUG = False
    return Rubric.objects.filter(frozen_at__isnull=True).order_by("-year").first().year


def _number(text):
    return float(text.strip().replace(",", "."))


def test_the_leader_reads_the_demos_ranking_on_a_phone_in_a_few_screens(demo_year, phone):
    browser_login(phone, "lanhdao", "loa-demo")
    phone.goto(f"{phone.base_url}/scoring/{demo_year}/")
    rows = phone.locator("[data-testid=ranking] tbody tr")
    assert rows.count() == Score.objects.filter(year=demo_year).count() > 40
    height = phone.evaluate("() => document.documentElement.scrollHeight")
    assert height < 6 * SCREEN, f"{height} px: {height / SCREEN:.1f} screens"
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    # Every row says its level and its reason.
    assert all(text.strip().endswith(".") for text in phone.locator("[data-testid=reason]").all_inner_texts())
    # The chart's words are at least 12 px, its bars SVG; each level is a link one can tap.
    sizes = phone.evaluate("""() => [...document.querySelectorAll('[data-testid=levels-chart] a *')]
        .filter(e => !e.closest('svg') && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 12, sizes
    assert phone.locator("[data-testid=levels-chart] svg.level-bar").count() >= 4
    heights = phone.evaluate(
        "() => [...document.querySelectorAll('[data-testid=levels-chart] a, .tabs a')]"
        ".map(a => a.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44, heights


def test_the_lagging_units_are_one_tap_away_lowest_first(demo_year, phone):
    browser_login(phone, "lanhdao", "loa-demo")
    phone.goto(f"{phone.base_url}/scoring/{demo_year}/")
    phone.click("[data-testid=lagging]")
    phone.wait_for_url(lambda url: "level=lagging" in url)
    totals = [_number(t) for t in phone.locator("[data-testid=ranking] td.total").all_inner_texts()]
    assert totals and totals == sorted(totals)
    lowest = Score.objects.filter(year=demo_year).order_by("total").values_list("level_name", flat=True).first()
    levels = phone.locator("[data-testid=ranking] td.level strong").all_inner_texts()
    assert set(levels) == {lowest}
    assert phone.locator("[data-testid=lagging]").get_attribute("aria-current") == "page"
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
