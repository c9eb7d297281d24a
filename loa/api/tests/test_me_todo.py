"""GET /api/v1/me/todo: the caller's own to-do list, item for item what their home page shows."""

import html
import re

import pytest

from loa.accounts.models import Role
from loa.articles import services as articles
from loa.articles.tests.factories import channels, sent
from loa.todo.tests.conftest import clock, letter, page_of, post, quota  # noqa: F401  (clock: the fixed day)

pytestmark = pytest.mark.django_db
TODO = "/api/v1/me/todo"


def page_items(client):
    page = client.get("/").content.decode()
    return [
        (kind, html.unescape(url))
        for kind, url in re.findall(r'data-todo-item="([a-z_]+)"><a class="todo-link" href="([^"]+)"', page)
    ]


def api_items(answer):
    return [(item["kind"], item["url"]) for section in answer["sections"] for item in section["items"]]


@pytest.fixture
def work(tree, alice, editor):
    letter(tree)
    quota(tree["a"], news=2, articles=1)
    post(page_of(tree["a"]), days_ago=9)
    articles.submission_create(by=alice, unit=tree["a"], title="Nháp")
    piece = sent(tree["a"], alice, channels(editor), title="Bị trả lại")
    articles.submission_return(submission=piece, by=editor, reason="Thiếu ảnh.", expected_version=piece.version)


@pytest.mark.parametrize("who", ["alice", "editor", "admin", "leader"])
def test_the_api_answers_the_list_the_home_page_shows_in_the_same_order(work, request, client, token_for, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    shown = page_items(client)
    client.logout()
    response = client.get(TODO, HTTP_AUTHORIZATION=token_for(user))
    assert response.status_code == 200, response.content
    assert api_items(response.json()) == shown


def test_an_officers_answer_carries_each_items_words_deadline_and_unit(work, tree, api_client, alice):
    answer = api_client(alice).get(TODO).json()
    (section,) = answer["sections"]
    assert section["role"] == "officer" and section["unit"] == {
        "id": tree["a"].pk,
        "code": "CS-A",
        "name": tree["a"].name,
    }
    report = section["items"][0]
    assert report["kind"] == "report_due" and report["action"] == "Báo cáo ngay" and report["when"] == "còn 7 ngày"
    assert report["due"] == "2026-06-25T00:00:00+07:00" and report["overdue"] is False
    returned = next(i for i in section["items"] if i["kind"] == "article_returned")
    assert returned["detail"] == "Biên tập viên trả lại: Thiếu ảnh." and returned["due"] is None
    silent = next(i for i in section["items"] if i["kind"] == "page_silent")
    assert silent["count"] == 9 and silent["title"] == "Trang của đơn vị đã 9 ngày chưa đăng bài"


def test_the_caller_gets_only_their_own_items(work, tree, api_client, bob):
    answer = api_client(bob).get(TODO).json()
    assert [s["unit"]["code"] for s in answer["sections"]] == ["CS-B"]
    assert not any(f"/units/{tree['a'].pk}/" in url or "Nháp" in kind for kind, url in api_items(answer))


def test_several_roles_answer_a_section_each(work, tree, api_client, alice):
    Role.objects.create(user=alice, unit=tree["upper"], role="leader")
    answer = api_client(alice).get(TODO).json()
    assert [s["role"] for s in answer["sections"]] == ["officer", "leader"]


def test_without_credentials_the_answer_is_a_json_401(client, tree):
    response = client.get(TODO)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_schema_declares_the_answers_and_the_item_kinds(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][TODO]["get"]
    assert {"200", "400", "401", "500"} <= set(operation["responses"])
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    kinds = set(schemas["TodoItem"]["properties"]["kind"]["enum"])
    assert {
        "report_due",
        "article_returned",
        "quota",
        "page_silent",
        "likes_undeclared",
        "review_queue",
        "task_missing",
        "failed_messages",
        "lagging_unit",
        "silent_pages",
    } <= kinds


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("schemathesis")
def test_schemathesis_finds_every_roles_list_true_to_its_schema(settings, tree, alice, editor, admin, leader, work):
    """The suite's run covers /me/todo as an admin and an officer (test_schemathesis.py); the editor's and
    the leader's sections have item kinds of their own, so the operation runs as each role here."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    from loa.accounts.models import ApiToken
    from loa.api.tests.test_schemathesis import _App, _config

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    problems = []
    for user in (alice, editor, admin, leader):
        _, raw = ApiToken.issue(user=user, name="schemathesis")
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _App(), config=_config(raw))
        ran = 0
        for event in from_schema(schema.include(path=TODO)).execute():
            if isinstance(event, events.ScenarioFinished):
                ran += 1
                for checks in event.recorder.checks.values():
                    problems += [f"{user.username}: {c.failure_info.failure.title}" for c in checks if c.failure_info]
            elif isinstance(event, (events.NonFatalError, events.FatalError)):
                problems.append(f"{user.username}: the run failed: {event!r}")
        assert ran, "the run reached /me/todo"
    assert not problems, problems
