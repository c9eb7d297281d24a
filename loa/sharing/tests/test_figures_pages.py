"""The figures pages: an upper unit's table of its children, a unit against the tree's average, an
item's shares and readers, the xlsx exports; outsiders see nothing."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from loa.sharing import services, tally
from loa.sharing.models import ClickDay, Item, Share, ShareLink

DAY = date(2026, 3, 2)
YEAR = 2026


def _at(day, hour=9):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def shared(tree):
    """Two items asked of A and B in March; A shared both (one late, with a link), B one, declared;
    A's link brought 7 readers."""
    items = []
    for n in range(2):
        item = services.item_create(
            by=None,
            unit=tree["province"],
            title=f"Tin chính thống {n}",
            url=f"https://congdoancaobang.vn/tin/{n}",
            starts_on=DAY,
            ends_on=date(2026, 3, 20),
        )
        Item.objects.filter(pk=item.pk).update(asked_on=DAY)
        item.asked_on = DAY
        tally.record_asked(DAY, {tree["a"].path: 1, tree["b"].path: 1})
        items.append(item)
    services.share_record(
        by=None,
        item=items[0],
        unit=tree["a"],
        kind=Share.Kind.LINK,
        post_url="https://www.facebook.com/csa/posts/1",
        at=_at(DAY),
    )
    services.share_record(by=None, item=items[1], unit=tree["a"], kind=Share.Kind.DECLARED, at=_at(date(2026, 3, 19)))
    services.share_record(by=None, item=items[0], unit=tree["b"], kind=Share.Kind.DECLARED, at=_at(date(2026, 3, 3)))
    link = ShareLink.objects.create(item=items[0], unit=tree["a"], code="abc123")
    ClickDay.objects.create(link=link, day=DAY, clicks=7)
    tally.record_clicks({(tree["a"].path, DAY): 7})
    return items


def test_the_province_sees_each_childs_share_rate_its_own_row_and_the_trees_average(
    tree, admin, login, shared, django_assert_max_num_queries
):
    client = login(admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("sharing:figures"), {"unit": tree["upper"].pk, "year": YEAR, "sort": "-rate"})
    html = page.content.decode()
    assert page.status_code == 200
    rows = page.context["rows"]
    # A: 1 of 2 on time (the second came 17 days later), B: 1 of 2.
    assert [(r.unit.code, r.asked, r.shared, r.on_time, r.declared, r.clicks) for r in rows] == [
        ("CS-A", 2, 2, 1, 1, 7),
        ("CS-B", 2, 1, 1, 1, 0),
    ] or [(r.unit.code, r.asked, r.shared, r.on_time, r.declared, r.clicks) for r in rows] == [
        ("CS-B", 2, 1, 1, 1, 0),
        ("CS-A", 2, 2, 1, 1, 7),
    ]
    total = page.context["total"]
    assert (total.asked, total.on_time, total.percent, total.percent_overall) == (4, 2, 50, 75)
    assert page.context["own"].asked == 0  # the upper union itself was asked nothing
    assert 'data-testid="tree-row"' in html and "50%" in html and "75%" in html
    assert f'href="/sharing/figures/unit/{tree["a"].pk}/?year={YEAR}"' in html  # a CĐCS links to its page


def test_the_table_sorts_by_clicks_and_reads_one_month(tree, admin, login, shared):
    client = login(admin)
    page = client.get(reverse("sharing:figures"), {"unit": tree["upper"].pk, "year": YEAR, "sort": "-clicks"})
    assert [r.unit.code for r in page.context["rows"]] == ["CS-A", "CS-B"]
    april = client.get(reverse("sharing:figures"), {"unit": tree["upper"].pk, "year": YEAR, "month": 4})
    assert april.context["total"].asked == 0
    assert "Chưa có tin nào được giao" in april.content.decode()


def test_the_table_downloads_as_a_workbook(tree, admin, login, shared):
    client = login(admin)
    response = client.get(
        reverse("sharing:figures_export", args=["xlsx"]), {"unit": tree["upper"].pk, "year": YEAR, "sort": "name"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row[0] == "Đơn vị")
    body = {row[0]: row[1:] for row in values[header + 1 :]}
    assert body[tree["a"].name] == (2, 2, 1, 1, 50, 100, 7)
    assert body[tree["b"].name] == (2, 1, 1, 1, 50, 50, 0)
    whole = next(v for k, v in body.items() if k.startswith("Toàn bộ"))
    assert whole == (4, 3, 2, 2, 50, 75, 7)


def test_a_unit_sees_its_own_rate_against_its_parents_and_the_provinces(tree, alice, login, shared):
    page = login(alice).get(reverse("sharing:figures_unit", args=[tree["a"].pk]), {"year": YEAR})
    assert page.status_code == 200
    mine, above = page.context["mine"], page.context["above"]
    assert (mine.asked, mine.on_time, mine.percent, mine.clicks) == (2, 1, 50, 7)
    assert [(f.unit.code, f.percent, visible) for f, visible in above] == [("CDVC", 50, False), ("LDLD", 50, False)]
    html = page.content.decode()
    assert 'data-testid="unit-rate"' in html and "Trung bình của" in html


def test_an_item_shows_who_shared_it_how_fast_and_the_readers(
    tree, admin, login, shared, django_assert_max_num_queries
):
    client = login(admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("sharing:figures_item", args=[shared[0].pk]))
    assert page.status_code == 200
    assert [(s.unit.code, days, clicks) for s, days, clicks in page.context["shares"]] == [
        ("CS-A", 0, 7),
        ("CS-B", 1, 0),
    ]
    assert page.context["summary"] == {"shared": 2, "on_time": 2, "declared": 1, "clicks": 7}
    assert [r["link__unit__name"] for r in page.context["readers"]] == [tree["a"].name]
    response = client.get(reverse("sharing:figures_item_export", args=[shared[0].pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    units = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert tree["a"].name in units and tree["b"].name in units


def test_an_officer_sees_only_its_own_units_share_of_an_item(tree, bob, login, shared):
    page = login(bob).get(reverse("sharing:figures_item", args=[shared[0].pk]))
    assert [s.unit.code for s, _d, _c in page.context["shares"]] == ["CS-B"]
    assert page.context["summary"]["clicks"] == 0


def test_outsiders_see_nothing(tree, other, login, shared):
    mine = services.item_create(
        by=None, unit=tree["upper"], title="Tin của CĐVC", url="https://a.vn/x", starts_on=DAY, ends_on=DAY
    )
    client = login(other["admin"])
    assert client.get(reverse("sharing:figures"), {"unit": tree["upper"].pk}).status_code == 404
    assert client.get(reverse("sharing:figures_unit", args=[tree["a"].pk])).status_code == 404
    assert client.get(reverse("sharing:figures_item", args=[mine.pk])).status_code == 404
    assert client.get(reverse("sharing:figures_item_export", args=[mine.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("sharing:figures_item", args=[99999])).status_code == 404
    # The province's item is asked of its unit too, but the shares it sees are its own units' (none).
    page = client.get(reverse("sharing:figures_item", args=[shared[0].pk]))
    assert page.context["summary"] == {"shared": 0, "on_time": 0, "declared": 0, "clicks": 0}
    assert client.get(reverse("sharing:figures_export", args=["xlsx"]), {"unit": tree["a"].pk}).status_code == 404


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "1900"}, {"month": "13"}, {"month": "x"}, {"unit": "x"}])
def test_hostile_queries_are_not_found_never_an_error(tree, admin, login, query):
    assert login(admin).get(reverse("sharing:figures"), query).status_code == 404


def test_the_curators_list_links_the_share_rates_and_each_items_shares(tree, admin, login, shared):
    url = reverse("sharing:curate_list", args=[tree["province"].pk])
    html = login(admin).get(url, {"show": "retired"}).content.decode()  # March's items are over
    assert f"/sharing/figures/?unit={tree['province'].pk}" in html
    assert reverse("sharing:figures_item", args=[shared[0].pk]) in html
