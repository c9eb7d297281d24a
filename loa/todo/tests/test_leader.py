"""A leader's to-do list: this year's scores by level, the lagging units with what holds each back
(the sentence of its score page), the quota progress, and the Pages that stopped posting."""

import html
import re

import pytest

from loa.directives import services as directives
from loa.directives.tests.factories import GOOD_PAGE
from loa.scoring import examples
from loa.scoring.engine import score_year
from loa.todo.tests.conftest import TODAY, assignment, letter, page_of, post, quota, sections_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(tree, admin, alice):
    """CĐCS A reported and posts; CĐCS B did not report and its Page went quiet 40 days ago."""
    rubric = examples.letter_2021(by=admin, unit=tree["upper"], year=TODAY.year, deadline="ngày 25/6/2026")
    task = letter(tree)
    directives.report_submit(by=alice, assignment=assignment(task, tree["a"]), data=GOOD_PAGE)
    quota(tree["a"], news=2, articles=1)
    quota(tree["b"], news=4, articles=2)
    post(page_of(tree["a"]), days_ago=1)
    post(page_of(tree["b"]), days_ago=40)
    score_year(rubric, today=TODAY)
    return rubric


def leader_items(user, kind=None):
    (section,) = sections_of(user, "leader")
    return [i for i in section.items if kind is None or i.kind == kind]


def test_the_scores_by_level_count_every_scored_unit(year, leader):
    (levels,) = leader_items(leader, "levels")
    assert levels.title == "Xếp loại năm 2026 (tạm tính)" and levels.count == 2
    counts = dict(part.rsplit(": ", 1) for part in levels.detail.split(" · "))
    assert sum(int(n) for n in counts.values()) == 2 and set(counts) <= {lv.name for lv in year.levels.all()}
    assert levels.url == "/scoring/2026/"


def test_a_lagging_unit_shows_the_reason_its_score_page_gives(year, tree, leader, login):
    (lagging,) = leader_items(leader, "lagging")
    assert lagging.title == "2 đơn vị chưa đạt yêu cầu" and lagging.url == "/scoring/2026/?level=lagging&sort=total"
    units = leader_items(leader, "lagging_unit")
    assert [u.title for u in units] == [tree["b"].name, tree["a"].name]  # the lowest score first
    reason = units[0].detail
    assert "ngày không đăng bài" in reason  # its worst shortfall first
    # The same sentence as the unit's score page and the ranking (loa.scoring.reasons).
    page = html.unescape(login(leader).get(units[0].url).content.decode())
    shown = re.search(r'data-testid="reason">(.*?)</p>', page)
    assert shown and shown[1] == reason


def test_the_quota_progress_counts_each_kind_and_each_unit_once(year, tree, leader):
    (item,) = leader_items(leader, "quota_progress")
    assert item.title == "Chỉ tiêu tin, bài năm 2026: Công đoàn Viên chức tỉnh Cao Bằng"
    assert item.detail == "tin 0/6, 0/2 đơn vị đạt chỉ tiêu · bài 0/3, 0/2 đơn vị đạt chỉ tiêu"
    assert item.url == f"/articles/progress/?unit={tree['upper'].pk}&year=2026"


def test_silent_pages_are_counted_with_the_longest_silences(year, tree, leader):
    (item,) = leader_items(leader, "silent_pages")
    assert item.title == "1 Trang không đăng bài từ 7 ngày trở lên" and item.count == 1
    assert item.detail == f"Lâu nhất: {tree['b'].name} (40 ngày)." and item.url == "/fanpages/silent/"


def test_without_a_rubric_or_figures_the_section_says_so(tree, leader):
    (section,) = sections_of(leader, "leader")
    assert section.items == [] and section.empty == "Chưa có số liệu của năm nay."


def test_a_leader_elsewhere_sees_nothing_of_these_units(year, tree, kinds):
    from loa.accounts.models import Role, User
    from loa.units.services import unit_create

    other = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CDN-YT", name="Công đoàn ngành Y tế"
    )
    elsewhere = User.objects.create_user(username="yte-lead", password="x")
    Role.objects.create(user=elsewhere, unit=other, role="leader")
    assert leader_items(elsewhere) == []
