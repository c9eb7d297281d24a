"""The ranking page (/scoring/<year>/) and its export: filters by level and upper union, combined,
kept page after page and in the file; the reason on each row; the lagging units one tap away; the
levels chart as text and SVG; who sees which rows; hostile query strings; bounded queries."""

import html
import io
import re

import pytest
from openpyxl import load_workbook

from loa.scoring import views
from loa.scoring.engine import Book
from loa.scoring.models import Level, Score

pytestmark = pytest.mark.django_db


def rows_of(response):
    """The unit codes of the ranking's rows, in order."""
    assert response.status_code == 200, response.status_code
    return re.findall(r'<tr data-unit="([^"]+)"', response.content.decode())


def all_pages(client, url, query):
    codes, page = [], 1
    while True:
        response = client.get(url, {**query, "page": page})
        codes += rows_of(response)
        if f"page={page + 1}" not in response.content.decode():
            return codes
        page += 1


def exported(client, query):
    response = client.get("/scoring/2021/ranking.xlsx", query)
    assert response.status_code == 200
    ws = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    header = next(i for i, row in enumerate(ws.iter_rows(values_only=True)) if row and row[0] == "Thứ hạng")
    rows = list(ws.iter_rows(values_only=True))
    return rows[header], [row for row in rows[header + 1 :] if row and row[1]]


def level_id(rubric, name):
    return Level.objects.get(rubric=rubric, name=name).pk


FAILING = "Không hoàn thành nhiệm vụ"


def test_level_and_upper_union_filters_combine_page_after_page_and_in_the_export(
    classified, rubric, admin, login, monkeypatch
):
    monkeypatch.setattr(views, "RANKING_PAGE", 1)
    client = login(admin)
    failing = level_id(rubric, FAILING)
    everywhere = all_pages(client, "/scoring/2021/", {"level": failing})
    assert everywhere == ["CS-G", "CS-B", "CS-F"]  # best first, as the whole ranking
    query = {"level": failing, "unit": classified["health"].pk, "sort": "total"}
    health = all_pages(client, "/scoring/2021/", query)
    assert health == ["CS-F", "CS-G"]
    header, rows = exported(client, query)
    assert [row[1] for row in rows] == health
    assert header[-2:] == ("Xếp loại", "Lý do") and {row[-2] for row in rows} == {FAILING}
    excellent = {"level": level_id(rubric, "Hoàn thành xuất sắc nhiệm vụ"), "unit": classified["upper"].pk}
    assert all_pages(client, "/scoring/2021/", excellent) == ["CS-A"]
    assert [row[1] for row in exported(client, excellent)[1]] == ["CS-A"]


def test_the_page_keeps_every_filter_in_its_links_and_says_how_many_it_lists(
    classified, rubric, admin, login, monkeypatch
):
    monkeypatch.setattr(views, "RANKING_PAGE", 1)
    failing = level_id(rubric, FAILING)
    text = login(admin).get("/scoring/2021/", {"level": failing, "unit": classified["health"].pk}).content.decode()
    pager = html.unescape(text.split('class="pager"')[1])
    assert f"level={failing}" in pager and f"unit={classified['health'].pk}" in pager and "Trang 1/2" in pager
    downloads = html.unescape(re.search(r'href="([^"]+ranking\.xlsx[^"]*)"', text)[1])
    assert f"level={failing}" in downloads and f"unit={classified['health'].pk}" in downloads
    # The upper unions offered by name and code; the chosen one and the level stay selected.
    assert f'<option value="{classified["health"].pk}" selected>' in text and "Công đoàn ngành Y tế · CDYT" in text
    assert f'<option value="{failing}" selected>{FAILING} (2)</option>' in text  # of the union's units


def test_each_row_says_what_holds_the_unit_back_as_its_own_page_and_the_api_do(classified, rubric, admin, login):
    client = login(admin)
    text = client.get("/scoring/2021/", {"unit": classified["health"].pk}).content.decode()
    row = text.split('data-unit="CS-E"')[1].split("</tr>")[0]
    reason = re.search(r'data-testid="reason">([^<]+)<', row)[1]
    assert reason == "Thiếu 2 bài, chưa báo cáo Fanpage và 1 tiêu chí khác."
    unit_page = client.get(f"/scoring/2021/units/{classified['e'].pk}/").content.decode()
    assert f'data-testid="reason">{reason}<' in unit_page
    api = client.get("/api/v1/scoring/2021/ranking", {"unit": classified["health"].pk}).json()
    assert {item["unit_id"]: item["reason"] for item in api["items"]}[classified["e"].pk] == reason
    top = text.split('data-unit="CS-C"')[1].split("</tr>")[0]
    assert "Đạt điểm tối đa mọi tiêu chí." in top


def test_the_lagging_units_are_one_tap_away_lowest_first(classified, rubric, admin, login):
    client = login(admin)
    text = client.get("/scoring/2021/").content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*data-testid="lagging">([^<]+)</a>', text)
    assert link[2] == "Đơn vị chưa đạt (3)"
    response = client.get("/scoring/2021/" + html.unescape(link[1]))
    assert rows_of(response) == ["CS-F", "CS-B", "CS-G"]  # the lowest total first
    totals = [s.total for s in Score.objects.filter(unit__code__in=rows_of(response)).order_by("total")]
    assert totals == sorted(totals)
    assert 'aria-current="page" data-testid="lagging"' in response.content.decode()


def test_the_units_no_level_was_given_are_a_filter_of_their_own_and_lag(classified, rubric, admin, login):
    from loa.scoring.engine import score_year

    Level.objects.filter(rubric=rubric, name=FAILING).delete()  # below 50 points: no level at all
    score_year(rubric)
    client = login(admin)
    assert rows_of(client.get("/scoring/2021/", {"level": "none"})) == ["CS-G", "CS-B", "CS-F"]
    # The lowest level left (Hoàn thành nhiệm vụ: E) and the unclassified lag.
    assert rows_of(client.get("/scoring/2021/", {"level": "lagging", "sort": "total"})) == [
        "CS-F",
        "CS-B",
        "CS-G",
        "CS-E",
    ]
    text = client.get("/scoring/2021/").content.decode()
    assert "Chưa xếp loại" in text and "Đơn vị chưa đạt (4)" in text


def test_the_levels_chart_is_text_with_svg_bars_and_each_level_a_link(classified, rubric, admin, login):
    text = login(admin).get("/scoring/2021/").content.decode()
    chart = text.split('data-testid="levels-chart"')[1].split("</ul>")[0]
    book = Book(rubric)
    for level, n, percent in zip(book.levels, (2, 1, 1, 3), (29, 14, 14, 43)):
        item = chart.split(f"level={level.id}")[1].split("</li>")[0]
        assert f"<span>{level.name}</span>" in item and f"{n} ({percent} %)" in item
        assert f'<svg class="level-bar some" width="{percent}%"' in item and 'aria-hidden="true"' in item
    assert "style=" not in chart and "<text" not in chart  # no inline style, no SVG text to shrink


@pytest.mark.parametrize(
    "who, expected",
    [
        ("admin", {"CS-A", "CS-B", "CS-C", "CS-D", "CS-E", "CS-F", "CS-G"}),
        ("leader", {"CS-A", "CS-B"}),
        ("alice", {"CS-A"}),
        ("bob", {"CS-B"}),
    ],
)
def test_each_person_sees_the_rows_in_their_reach_and_no_other(classified, login, request, who, expected):
    client = login(request.getfixturevalue(who))
    assert set(rows_of(client.get("/scoring/2021/"))) == expected
    assert {row[1] for row in exported(client, {})[1]} == expected
    assert set(rows_of(client.get("/scoring/2021/", {"level": "lagging"}))) <= expected


def test_an_upper_union_out_of_reach_is_a_404_and_a_visitor_logs_in_first(classified, leader, bob, login, client):
    health = classified["health"].pk
    for user in (leader, bob):
        assert login(user).get("/scoring/2021/", {"unit": health}).status_code == 404
        assert login(user).get("/scoring/2021/ranking.xlsx", {"unit": health}).status_code == 404
    client.logout()
    for url in ("/scoring/2021/?level=lagging", "/scoring/2021/ranking.xlsx?level=lagging"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "query, status",
    [
        ({"level": "abc"}, 200),
        ({"level": "-1"}, 200),
        ({"level": "9" * 30}, 200),
        ({"level": "1\x00"}, 200),
        ({"level": "lagging\x01"}, 200),
        ({"kind": "9" * 30}, 200),
        ({"kind": "x"}, 200),
        ({"sort": "total\x00; DROP"}, 200),
        ({"page": "9" * 30}, 200),
        ({"unit": "abc"}, 404),
        ({"unit": "9" * 30}, 404),
        ({"unit": "-5"}, 404),
        ({"unit": "\x00"}, 200),  # the control character is removed at the door: no filter
    ],
)
def test_hostile_query_strings_get_a_page_or_a_404_never_a_500(classified, admin, login, query, status):
    client = login(admin)
    for url in ("/scoring/2021/", "/scoring/2021/ranking.xlsx", "/scoring/2021/ranking.csv"):
        response = client.get(url, query)
        assert response.status_code == status, (url, query, response.status_code)


def test_the_page_makes_the_same_few_queries_with_a_thousand_units(admin, login, django_assert_max_num_queries, db):
    from loa.accounts.models import Role
    from loa.demo.synthetic import ROOT_CODE, build_synthetic
    from loa.scoring import examples
    from loa.scoring.engine import score_year
    from loa.units.models import Unit

    build_synthetic(units=1100, seed=4)
    root = Unit.objects.get(code=ROOT_CODE)
    Role.objects.create(user=admin, unit=root, role="admin")
    rubric = examples.letter_2021(by=admin, unit=root, year=2021)
    assert score_year(rubric) >= 1000
    client = login(admin)
    province = Unit.objects.get(code=f"{ROOT_CODE}-01")
    failing = level_id(rubric, FAILING)
    for query in ({}, {"level": failing, "unit": province.pk}, {"level": "lagging", "sort": "total", "page": 3}):
        # 2021 is a past year, grouped by its own tree: one more query for the year and one for the year
        # before (where the user's units and the upper union stood on their last days).
        with django_assert_max_num_queries(16):
            response = client.get("/scoring/2021/", query)
        assert len(rows_of(response)) == views.RANKING_PAGE
    assert 'data-testid="reason">' in response.content.decode()
