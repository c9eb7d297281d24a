"""A CĐCS moved from one upper union to another: its pieces, publications and claims go with it, the
figures of both unions follow, and so does who sees its work."""

import io
import re
from datetime import date

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse
from openpyxl import load_workbook

from loa.articles import rollups, services
from loa.articles.models import CreditClaim, Publication, Rollup, Submission
from loa.articles.selectors import level_rows, level_rows_then
from loa.articles.tests.factories import channels, published, sent
from loa.units.models import Unit
from loa.units.services import unit_move


@pytest.fixture
def work(tree, alice, bob, editor):
    """Quotas of 2021 for A and B, a piece of A published, another sent, a claim of A waiting."""
    chans = channels(editor)
    for unit in (tree["a"], tree["b"]):
        services.quota_set(by=None, unit=unit, year=2021, kind="news", target=4)
        services.quota_set(by=None, unit=unit, year=2021, kind="article", target=1)
    done = published(tree["a"], alice, editor, chans, on=date(2021, 3, 10))
    waiting = sent(tree["a"], alice, chans, title="Hội thao công nhân viên chức")
    published(tree["b"], bob, editor, chans, on=date(2021, 3, 12), title="Ngày hội hiến máu")
    claim = services.claim_create(
        by=alice,
        unit=tree["a"],
        url="https://cdvccaobang.vn/tin/hoi-thi",
        kind="news",
        title="Hội thi tìm hiểu pháp luật",
        published_on=date(2021, 3, 20),
    )
    return {"done": done, "waiting": waiting, "claim": claim}


def _figures():
    return {
        (r.unit_id, r.kind): (
            r.parent_unit_id,
            r.own_target,
            r.own_counted,
            r.target,
            r.counted,
            r.in_depth,
            r.exemplary,
            r.over,
            r.with_quota,
            r.met,
        )
        for r in Rollup.objects.filter(year=2021)
    }


def _move(unit, new_parent):
    unit.refresh_from_db()
    return unit_move(by=None, unit=unit, new_parent=new_parent)


def test_the_copies_and_both_unions_figures_follow_the_move(tree, other, work):
    _move(tree["a"], other["unit"])

    new_path = f"{other['unit'].path}{tree['a'].pk}/"
    assert set(Submission.objects.filter(unit=tree["a"]).values_list("unit_path", flat=True)) == {new_path}
    assert set(Publication.objects.filter(submission__unit=tree["a"]).values_list("unit_path", flat=True)) == {new_path}
    assert CreditClaim.objects.get(pk=work["claim"].pk).unit_path == new_path
    total, children = level_rows(tree["province"], 2021)
    by_unit = {row["unit"].code: row for row in children}
    assert (by_unit["CDVC"]["news_target"], by_unit["CDVC"]["news_counted"]) == (4, 1)  # B alone
    assert (by_unit["CDYT"]["news_target"], by_unit["CDYT"]["news_counted"]) == (4, 1)  # A now
    assert (total["news_target"], total["news_counted"]) == (8, 2)  # the province: unchanged
    # What the move left is what a recount from scratch finds.
    figures = _figures()
    rollups.rebuild(2021)
    assert _figures() == figures


def test_the_new_unions_admin_sees_the_pieces_and_the_old_ones_does_not(tree, other, upper_admin, work, login):
    _move(tree["a"], other["unit"])

    detail = reverse("articles:detail", args=[work["done"].pk])
    assert login(upper_admin).get(detail).status_code == 404
    assert "Hội thao công nhân" not in login(upper_admin).get(reverse("articles:index")).content.decode()
    assert login(other["admin"]).get(detail).status_code == 200
    assert "Hội thao công nhân" in login(other["admin"]).get(reverse("articles:index")).content.decode()
    queue = login(other["admin"]).get(reverse("articles:queue")).content.decode()
    assert "Hội thao công nhân" in queue
    assert "Hội thao công nhân" not in login(upper_admin).get(reverse("articles:queue")).content.decode()


def _rows(total, children):
    return {"total": (total["news_target"], total["news_counted"])} | {
        row["unit"].code: (row["news_target"], row["news_counted"]) for row in children
    }


def test_a_past_years_progress_groups_by_that_years_tree_and_today_by_todays(tree, other, work):
    _move(tree["a"], other["unit"])  # today: 2021 is a past year

    day = date(2021, 12, 31)
    then = _rows(*level_rows_then(tree["province"], 2021, day))
    # A and B were both under the upper union (the health union's row, from the move, counts nothing).
    assert then == {"total": (8, 2), "CDVC": (8, 2), "CDYT": (0, 0)}
    assert _rows(*level_rows_then(tree["upper"], 2021, day)) == {"total": (8, 2), "CS-A": (4, 1), "CS-B": (4, 1)}
    assert _rows(*level_rows_then(other["unit"], 2021, day)) == {"total": (0, 0)}
    # Today's tree: A under the health union, as the rollups say.
    assert _rows(*level_rows(tree["upper"], 2021)) == {"total": (4, 1), "CS-B": (4, 1)}
    # With nothing moved, the year's tree and the rollups agree.
    assert _rows(*level_rows_then(tree["upper"], 2022, date(2022, 12, 31))) == _rows(*level_rows(tree["upper"], 2022))


def test_the_page_export_and_api_switch_between_the_trees(tree, other, work, admin, login, api_client):
    _move(tree["a"], other["unit"])
    client = login(admin)
    url = reverse("articles:progress")

    page = client.get(url, {"unit": tree["upper"].pk, "year": 2021})
    assert {r["unit"].code for r in page.context["rows"]} == {"CS-A", "CS-B"}
    text = page.content.decode()
    assert 'data-testid="tree-switch"' in text and "năm 2021" in text
    today = client.get(url, {"unit": tree["upper"].pk, "year": 2021, "tree": "today"})
    assert {r["unit"].code for r in today.context["rows"]} == {"CS-B"}
    assert "tree=today" in re.search(r'href="([^"]+progress\.xlsx[^"]*)"', today.content.decode())[1]

    export = client.get(reverse("articles:progress_export", args=["xlsx"]), {"unit": tree["upper"].pk, "year": 2021})
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert "Cây đơn vị: năm 2021" in [r[0] for r in rows if r] and tree["a"].name in [r[0] for r in rows if r]
    export = client.get(
        reverse("articles:progress_export", args=["xlsx"]), {"unit": tree["upper"].pk, "year": 2021, "tree": "today"}
    )
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert "Cây đơn vị: hiện nay" in [r[0] for r in rows if r] and tree["a"].name not in [r[0] for r in rows if r]

    api = api_client(admin)
    by_year = api.get("/api/v1/articles/progress", {"unit": tree["upper"].pk, "year": 2021}).json()
    assert by_year["total"]["news_target"] == 8 and len(by_year["rows"]) == 2
    by_today = api.get("/api/v1/articles/progress", {"unit": tree["upper"].pk, "year": 2021, "tree": "today"}).json()
    assert by_today["total"]["news_target"] == 4 and len(by_today["rows"]) == 1


def test_outsiders_still_get_a_404_with_either_tree(tree, other, work, bob, login):
    _move(tree["a"], other["unit"])
    for query in ({}, {"tree": "today"}):
        response = login(bob).get(reverse("articles:progress"), {"unit": other["unit"].pk, "year": 2021, **query})
        assert response.status_code == 404


def test_a_past_years_cached_sums_follow_a_late_correction_and_a_move_at_once(tree, other, work, alice, editor):
    """The sums by a past year's tree are cached (a past year rarely changes): a piece of that year
    published late, and a move dated in that year, show on the next read."""
    day = date(2021, 12, 31)
    assert _rows(*level_rows_then(tree["upper"], 2021, day)) == {"total": (8, 2), "CS-A": (4, 1), "CS-B": (4, 1)}
    assert _rows(*level_rows_then(tree["upper"], 2021, day)) == {"total": (8, 2), "CS-A": (4, 1), "CS-B": (4, 1)}

    published(tree["b"], alice, editor, channels(editor), on=date(2021, 11, 5), title="Hội diễn văn nghệ cuối năm")
    assert _rows(*level_rows_then(tree["upper"], 2021, day)) == {"total": (8, 3), "CS-A": (4, 1), "CS-B": (4, 2)}

    unit_move(by=None, unit=Unit.objects.get(pk=tree["a"].pk), new_parent=other["unit"], on=date(2021, 6, 1))
    assert _rows(*level_rows_then(tree["upper"], 2021, day)) == {"total": (4, 2), "CS-B": (4, 2)}
    assert _rows(*level_rows_then(other["unit"], 2021, day)) == {"total": (4, 1), "CS-A": (4, 1)}


def test_a_past_years_sums_do_without_a_cache_that_does_not_answer(tree, other, work, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis does not answer")

    monkeypatch.setattr(LocMemCache, "get", down)  # the tests' cache
    day = date(2021, 12, 31)
    assert _rows(*level_rows_then(tree["upper"], 2021, day)) == {"total": (8, 2), "CS-A": (4, 1), "CS-B": (4, 1)}
