"""The home page: each person's to-do list, a section per role, each item one tap from its form;
light whatever the number of units."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loa.accounts.models import Role, User
from loa.articles import services as articles
from loa.articles.tests.factories import channels, sent
from loa.scoring import examples
from loa.scoring.engine import score_year
from loa.todo.tests.conftest import TODAY, letter, page_of, post, quota
from loa.units.services import unit_create

pytestmark = pytest.mark.django_db


def items_on(response):
    """[(kind, url)] of the to-do items a page shows, in order."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    found = re.findall(r'data-todo-item="([a-z_]+)"><a class="todo-link" href="([^"]+)"', page)
    return [(kind, html.unescape(url)) for kind, url in found]


def sections_on(response):
    return re.findall(r'data-todo-section="([a-z]+)"', response.content.decode())


def test_a_visitor_is_sent_to_log_in(client, tree):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_officer_home_lists_the_units_work_each_one_tap_from_its_form(tree, alice, editor, login):
    letter(tree)
    quota(tree["a"], news=2, articles=1)
    page_of(tree["a"])
    articles.submission_create(by=alice, unit=tree["a"], title="Nháp")
    piece = sent(tree["a"], alice, channels(editor), title="Bị trả lại")
    articles.submission_return(submission=piece, by=editor, reason="Thiếu ảnh.", expected_version=piece.version)
    client = login(alice)
    response = client.get("/")
    found = items_on(response)
    assert [kind for kind, _url in found] == [
        "report_due",
        "article_returned",
        "article_draft",
        "page_silent",
        "likes_undeclared",
        "quota",
    ]
    page = response.content.decode()
    assert "Thiếu ảnh." in page and "Chỉ tiêu năm 2026: còn thiếu 2 tin, 1 bài" in page
    for _kind, url in found:
        assert client.get(url.split("#")[0]).status_code == 200, url


def test_the_outsider_never_sees_the_other_units_work(tree, alice, bob, login):
    letter(tree)
    articles.submission_create(by=alice, unit=tree["a"], title="Nháp của A")
    page = login(bob).get("/").content.decode()
    assert "Nháp của A" not in page and tree["a"].name not in page
    assert f"/units/{tree['a'].pk}/" not in page


def test_a_person_with_several_roles_sees_the_section_of_each(tree, alice, login):
    Role.objects.create(user=alice, unit=tree["upper"], role="editor")
    Role.objects.create(user=alice, unit=tree["upper"], role="leader")
    assert sections_on(login(alice).get("/")) == ["officer", "editor", "leader"]


def test_empty_sections_say_so_briefly(tree, editor, admin, leader, login):
    assert "Không có tin, bài nào chờ biên tập." in login(editor).get("/").content.decode()
    assert "Hiện không có việc nào cần đồng chí xử lý." in login(admin).get("/").content.decode()
    assert "Chưa có số liệu của năm nay." in login(leader).get("/").content.decode()


def test_a_user_without_a_role_is_told_to_ask_for_one(tree, login):
    nobody = User.objects.create_user(username="nobody", password="x")
    page = login(nobody).get("/").content.decode()
    assert "Bạn chưa được giao vai trò nào" in page and "data-todo-section" not in page


def _units(tree, kinds, editor, first, last):
    """CĐCS number first … last-1 under the upper union, each with an officer, a quota, a Page (a third
    of them silent), a draft and a piece waiting for review."""
    chans = channels(editor)
    units = []
    for i in range(first, last):
        unit = unit_create(
            by=None,
            parent=tree["upper"],
            kind=kinds["cdcs"],
            code=f"CS-{i:03}",
            name=f"Công đoàn cơ sở số {i}",
            members_count=20,
        )
        officer = User.objects.create_user(username=f"officer{i}", password="x")
        Role.objects.create(user=officer, unit=unit, role="officer")
        quota(unit, news=3, articles=1)
        post(page_of(unit), days_ago=1 if i % 3 else 20, n=i)
        articles.submission_create(by=officer, unit=unit, title=f"Nháp {i}")
        sent(unit, officer, chans, title=f"Tin {i}")
        units.append(unit)
    return units


def _province(tree, kinds, admin, editor, n):
    """`n` CĐCS with their work, the letter to all of them, and the year scored."""
    units = _units(tree, kinds, editor, 0, n)
    letter(tree, recipients=[*units, tree["a"], tree["b"]])
    rubric = examples.letter_2021(by=admin, unit=tree["upper"], year=TODAY.year)
    score_year(rubric, today=TODAY)
    return rubric


def _queries(client, user):
    client.force_login(user)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["admin", "editor", "leader"])
def test_the_home_page_reads_as_many_queries_for_five_units_as_for_forty(
    tree, kinds, admin, editor, leader, client, who
):
    user = {"admin": admin, "editor": editor, "leader": leader}[who]
    rubric = _province(tree, kinds, admin, editor, 5)
    few = _queries(client, user)
    _units(tree, kinds, editor, 5, 40)
    letter(tree, recipients=list(tree["upper"].children.all()), number="50/CV-CĐVC", title="Báo cáo quý")
    score_year(rubric, today=TODAY)
    many = _queries(client, user)
    assert many == few <= 40, (few, many)


def test_an_officer_of_several_units_reads_as_many_queries_as_for_one(tree, kinds, admin, editor, client):
    _province(tree, kinds, admin, editor, 6)
    one = _queries(client, User.objects.get(username="officer0"))
    several = User.objects.get(username="officer1")
    for i in range(2, 6):
        Role.objects.create(
            user=several, unit=User.objects.get(username=f"officer{i}").roles.get().unit, role="officer"
        )
    assert _queries(client, several) == one
