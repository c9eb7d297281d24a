"""One figure, one definition: the same data gives the same number on the progress page, in the API,
in the Excel export and in the leader's to-do list (issue 13: "29 / 86 units met their quota" was
shown for 43 units, each counted once per kind)."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from loa.articles.tests.factories import channels, published
from loa.directives import services as directives
from loa.directives.tests.factories import GOOD_PAGE
from loa.todo.tests.conftest import TODAY, assignment, letter, quota, sections_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(tree, alice, editor):
    """Both CĐCS have a news and an article quota; A has met its news quota, nobody its article one."""
    quota(tree["a"], news=1, articles=1)
    quota(tree["b"], news=2, articles=1)
    published(tree["a"], alice, editor, channels(editor), on=TODAY)
    return tree


def test_units_meeting_their_quota_are_counted_once_per_kind_everywhere(figures, leader, login, api_client):
    upper = figures["upper"]
    query = f"?unit={upper.pk}&year={TODAY.year}"
    expected = {"news_met": 1, "news_with_quota": 2, "article_met": 0, "article_with_quota": 2}

    page = login(leader).get(reverse("articles:progress") + query)
    total = page.context["total"]
    assert {k: total[k] for k in expected} == expected
    card = re.search(
        r'data-testid="met">.*?</div>\s*<div class="stat[^"]*">(.*?)</div>', page.content.decode(), re.DOTALL
    )
    assert card[1].strip() == "tin 1 / 2 · bài 0 / 2"

    api = api_client(leader).get(f"/api/v1/articles/progress?unit={upper.pk}&year={TODAY.year}").json()
    assert {k: api["total"][k] for k in expected} == expected
    assert sum(r["news_with_quota"] for r in api["rows"]) == 2  # two units, each once

    export = login(leader).get(reverse("articles:progress_export", args=["xlsx"]) + query)
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Số đơn vị đạt chỉ tiêu tin" in r)
    last = rows[-1]
    assert (
        last[header.index("Số đơn vị đạt chỉ tiêu tin")] == 1 and last[header.index("Số đơn vị có chỉ tiêu tin")] == 2
    )
    assert (
        last[header.index("Số đơn vị đạt chỉ tiêu bài")] == 0 and last[header.index("Số đơn vị có chỉ tiêu bài")] == 2
    )

    (section,) = sections_of(leader, "leader")
    (progress,) = [i for i in section.items if i.kind == "quota_progress"]
    assert "1/2 đơn vị đạt chỉ tiêu" in progress.detail and "0/2 đơn vị đạt chỉ tiêu" in progress.detail


def test_reports_collected_are_counted_alike_on_the_pages_in_the_api_and_in_the_export(
    tree, admin, alice, login, api_client
):
    """Two CĐCS asked, one reported: "1 / 2" on the directive, the tracking page, the API, the
    consolidated sheet (one row) and the administrator's to-do list (1 missing)."""
    task = letter(tree)
    directives.report_submit(by=alice, assignment=assignment(task, tree["a"]), data=GOOD_PAGE)
    client = login(admin)

    detail = client.get(reverse("directives:detail", args=[task.directive_id])).content.decode()
    bar = re.search(r'<progress class="progress" max="(\d+)" value="(\d+)"', detail)
    assert (int(bar[1]), int(bar[2])) == (2, 1)

    tracking = client.get(reverse("directives:tracking", args=[task.pk])).content.decode()
    missing = re.search(r"Chưa báo cáo</div><div class=\"stat\"><a [^>]*>(\d+)</a>", tracking)
    assert int(missing[1]) == 1

    totals = api_client(admin).get(f"/api/v1/directives/tasks/{task.pk}").json()["totals"]
    assert (totals["expected"], totals["reported"], totals["missing"]) == (2, 1, 1)

    export = client.get(reverse("directives:consolidated", args=[task.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    units = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).isdigit()]
    assert units == [tree["a"].name]

    (section,) = sections_of(admin, "admin")
    (item,) = [i for i in section.items if i.kind == "task_missing"]
    assert item.count == 1 and "1/2 đơn vị chưa báo cáo" in item.detail
