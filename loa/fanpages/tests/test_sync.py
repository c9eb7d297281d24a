"""The Graph sync against the local stand-in: paging, expired tokens, rate limits, errors, timeouts."""

from datetime import UTC, datetime, timedelta

import pytest

from loa.fanpages import sync
from loa.fanpages.models import GraphLink, Post, PostingDay, PostingYear
from loa.integrations.facebook import Throttle
from loa.notifications.models import Message

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def spread(n, *, start=datetime(2026, 1, 1, 1, 0, tzinfo=UTC), every=timedelta(hours=5)):
    return [start + i * every for i in range(n)]


def link_page(graph, fanpage, created):
    page = graph.state.add_page(name=fanpage.name, posts=created)
    token = graph.state.add_token(pages={page.id})
    link = GraphLink.objects.create(fanpage=fanpage, page_id=page.id, token=token)
    return page, token, link


def run(link, **kw):
    link.refresh_from_db()
    return sync.sync_page(link, now=NOW, throttle=kw.pop("throttle", Throttle()), sleep=lambda s: None, **kw)


def assert_complete(fanpage, created):
    keys = list(Post.objects.filter(fanpage=fanpage).values_list("post_key", flat=True))
    assert len(keys) == len(set(keys)) == len(created)
    local_days = {(c + timedelta(hours=7)).date() for c in created}
    assert set(PostingDay.objects.filter(fanpage=fanpage).values_list("day", flat=True)) == local_days
    assert PostingYear.objects.get(fanpage=fanpage, year=2026).posting_days == len(local_days)


@pytest.fixture(autouse=True)
def fast(settings):
    settings.INTEGRATIONS_TIMEOUT = 0.5


def test_it_reads_several_pages_of_posts_and_counts_local_days(graph_standin, pages):
    created = spread(230)
    graph_standin.state.empty_pages_at = {100}
    _, _, link = link_page(graph_standin, pages["a"], created)
    assert run(link) == ("done", 230)
    assert_complete(pages["a"], created)
    link.refresh_from_db()
    assert link.synced_through == NOW and link.run_until is None
    pages_read = [r for r in graph_standin.requests if "published_posts" in r.path]
    assert len(pages_read) >= 4  # 100 per page, and one empty page that still carries `next`
    assert run(link) == ("done", 0)  # a second run adds nothing
    assert_complete(pages["a"], created)


def test_a_post_late_in_the_evening_utc_counts_for_the_next_local_day(graph_standin, pages):
    created = [datetime(2026, 2, 3, 18, 30, tzinfo=UTC)]  # 01:30 on 04/02 in Cao Bằng
    _, _, link = link_page(graph_standin, pages["a"], created)
    run(link)
    assert list(PostingDay.objects.values_list("day", flat=True)) == [datetime(2026, 2, 4).date()]


def test_an_expired_token_marks_the_page_and_tells_the_unit_once(graph_standin, pages, alice):
    created = spread(150)
    _, token, link = link_page(graph_standin, pages["a"], created)
    graph_standin.state.expire_token(token, subcode=463)
    assert run(link)[0] == "needs_token"
    link.refresh_from_db()
    assert link.status == GraphLink.Status.NEEDS_TOKEN
    mail = Message.objects.get(unit=pages["a"].unit)
    assert mail.recipient == alice.email and "token" in mail.body
    assert token not in mail.body
    assert run(link)[0] == "skipped"  # not retried until the unit gives a new token
    assert Message.objects.count() == 1
    new = graph_standin.state.add_token(pages={link.page_id})
    sync.set_token(by=alice, fanpage=pages["a"], page_id=link.page_id, token=new)
    assert run(link) == ("done", 150)
    assert_complete(pages["a"], created)


def test_a_token_that_expires_half_way_keeps_what_was_read_and_the_next_run_resumes(graph_standin, pages, alice):
    created = spread(250)
    _, token, link = link_page(graph_standin, pages["a"], created)
    # Two pages of posts come through, then the token expires.
    original = graph_standin.handle
    calls = {"n": 0}

    def handle(request, base_url):
        if "published_posts" in request.path:
            calls["n"] += 1
            if calls["n"] == 3:
                graph_standin.state.expire_token(token)
        return original(request, base_url)

    graph_standin.handle = handle
    outcome, new = run(link)
    assert outcome == "needs_token" and new == 200
    link.refresh_from_db()
    assert link.run_low is not None and link.synced_through is None
    graph_standin.state.tokens[token]["error_subcode"] = None
    link.status = GraphLink.Status.OK
    link.save()
    before = len(graph_standin.requests)
    assert run(link) == ("done", 50)
    assert len(graph_standin.requests) - before == 1  # resumed below the oldest post stored: one page, not three
    assert_complete(pages["a"], created)


@pytest.mark.parametrize("code", [4, 17, 32])
def test_rate_limit_errors_are_retried_and_nothing_is_counted_twice(graph_standin, pages, code):
    created = spread(180)
    _, _, link = link_page(graph_standin, pages["a"], created)
    graph_standin.state.fail_next(code, times=2, path_contains="published_posts")
    assert run(link) == ("done", 180)
    assert_complete(pages["a"], created)


def test_a_server_error_and_a_timeout_are_retried(graph_standin, pages):
    created = spread(120)
    _, _, link = link_page(graph_standin, pages["a"], created)
    graph_standin.state.fail_next(2, path_contains="published_posts")  # HTTP 500
    graph_standin.state.timeout_next(1.0, path_contains="published_posts")
    assert run(link) == ("done", 120)
    assert_complete(pages["a"], created)


def test_errors_that_outlast_the_retries_leave_a_resumable_run(graph_standin, pages):
    created = spread(220)
    _, _, link = link_page(graph_standin, pages["a"], created)
    original, calls = graph_standin.handle, {"n": 0}

    def handle(request, base_url):
        calls["n"] += 1
        if calls["n"] >= 2 and calls["n"] < 6:
            return graph_standin.error(1)
        return original(request, base_url)

    graph_standin.handle = handle
    outcome, new = run(link)
    assert (outcome, new) == ("failed", 100)
    assert run(link) == ("done", 120)
    assert_complete(pages["a"], created)


def test_usage_headers_at_the_limit_stop_calling_that_page_and_the_run_moves_on(graph_standin, pages):
    created = spread(60)
    page_a, _, link_a = link_page(graph_standin, pages["a"], created)
    _page_b, _, link_b = link_page(graph_standin, pages["b"], created)
    graph_standin.state.set_usage(buc={page_a.id: 100}, regain_minutes=7)
    report = sync.sync_all(links=[link_a, link_b], now=NOW, throttle=Throttle(), sleep=lambda s: None)
    assert report.rate_limited == 1 and report.done == 1
    link_a.refresh_from_db()
    assert link_a.retry_after is not None and link_a.retry_after >= NOW + timedelta(minutes=6)
    assert run(link_a)[0] == "skipped"  # waits until Facebook gives access again
    graph_standin.state.set_usage()
    link_a.retry_after = None
    link_a.save()
    assert run(link_a) == ("done", 60)
    assert_complete(pages["a"], created)
    assert_complete(pages["b"], created)


def test_a_retired_metric_does_not_stop_the_follower_snapshot(graph_standin, pages):
    from loa.integrations.facebook import GraphClient, MetricRetired

    page, token, _link = link_page(graph_standin, pages["province"], [])
    graph_standin.state.pages[page.id].followers_count = 1234
    with pytest.raises(MetricRetired):
        GraphClient(token).insights(page.id, "page_fans", NOW.date() - timedelta(days=3), NOW.date())
    snapshot = sync.snapshot_followers(fanpage=pages["province"])
    assert snapshot.followers == 1234


def test_the_token_is_stored_encrypted(graph_standin, pages):
    from django.db import connection

    _, token, link = link_page(graph_standin, pages["a"], [])
    with connection.cursor() as cursor:
        cursor.execute("select token from fanpages_graphlink where id = %s", [link.pk])
        stored = cursor.fetchone()[0]
    assert token not in stored and stored.startswith("gAAAA")
