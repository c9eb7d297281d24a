import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from loa.integrations.facebook import (
    GraphClient,
    GraphUnavailable,
    MetricRetired,
    NotFound,
    PermissionMissing,
    RateLimited,
    Throttle,
    TokenExpired,
    TokenInvalid,
    parse_time,
)

PAGE = "659554973897366"


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def page(graph_standin):
    start = datetime(2026, 4, 6, 17, 50, 9, tzinfo=UTC)
    return graph_standin.state.add_page(
        PAGE,
        name="Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        followers_count=640,
        fan_count=612,
        posts=[start - timedelta(hours=7 * i) for i in range(57)],
    )


@pytest.fixture
def token(graph_standin, page):
    return graph_standin.state.add_token(pages={page.id})


@pytest.fixture
def client(token, sleeps):
    return GraphClient(token, sleep=sleeps, rng=lambda: 0.5)


def test_it_reads_every_post_across_pages_including_an_empty_one(graph_standin, client, sleeps):
    graph_standin.state.empty_pages_at = {20}

    posts = list(client.iter_posts(PAGE, limit=20))

    assert len(posts) == 57 and len({p.id for p in posts}) == 57
    assert all(p.id.startswith(PAGE + "_") for p in posts)
    assert posts[0].created_time == datetime(2026, 4, 6, 17, 50, 9, tzinfo=UTC)
    assert posts[0].local_date() == date(2026, 4, 7)  # 00:50 in Hà Nội
    assert posts[0].permalink_url.startswith("https://www.facebook.com/")
    calls = [r for r in graph_standin.requests if r.path.endswith("/published_posts")]
    assert len(calls) == 4  # 20, an empty page with next, 20, 17
    assert sleeps == []


def test_posts_can_be_limited_to_a_time_window(graph_standin, client):
    since = datetime(2026, 4, 5, 0, 0, tzinfo=UTC)

    posts = list(client.iter_posts(PAGE, since=since, until=datetime(2026, 4, 6, 12, 0, tzinfo=UTC)))

    assert posts and all(since <= p.created_time <= datetime(2026, 4, 6, 12, 0, tzinfo=UTC) for p in posts)


def test_created_time_is_read_as_utc():
    assert parse_time("2026-04-06T17:50:09+0000") == datetime(2026, 4, 6, 17, 50, 9, tzinfo=UTC)


def test_the_token_travels_in_a_header_never_in_a_url(graph_standin, client, token):
    list(client.iter_posts(PAGE, limit=50))

    for request in graph_standin.requests:
        assert request.headers["authorization"] == f"Bearer {token}"
        assert "access_token" not in request.query


def test_page_fields_are_read_and_missing_ones_are_none(graph_standin, client, page):
    assert client.page_fields(PAGE) == {
        "name": page.name,
        "followers_count": 640,
        "fan_count": 612,
        "link": page.link,
        "id": PAGE,
    }
    page.fan_count = None  # a New Pages Experience page has followers only

    assert client.page_fields(PAGE)["fan_count"] is None


def test_a_field_the_page_type_does_not_have_is_dropped_and_asked_again(graph_standin, client):
    fields = client.page_fields(PAGE, fields=("name", "followers_count", "new_like_count"))

    assert fields["followers_count"] == 640 and fields["new_like_count"] is None
    assert len(graph_standin.requests) == 2


def test_an_unknown_page_is_not_found(graph_standin, client):
    with pytest.raises(NotFound):
        client.page_fields("100000000000001")


def test_an_expired_token_is_never_retried(graph_standin, client, token, sleeps):
    graph_standin.state.expire_token(token, subcode=463)

    with pytest.raises(TokenExpired) as expired:
        list(client.iter_posts(PAGE))

    assert expired.value.code == 190 and expired.value.subcode == 463
    assert "Session has expired" in expired.value.message
    assert len(graph_standin.requests) == 1 and sleeps == []


def test_a_password_change_makes_the_token_invalid(graph_standin, client, token):
    graph_standin.state.expire_token(token, subcode=460)

    with pytest.raises(TokenInvalid) as invalid:
        client.page_fields(PAGE)
    assert not isinstance(invalid.value, TokenExpired)


def test_a_missing_permission_is_reported(graph_standin, page, sleeps):
    token = graph_standin.state.add_token(pages={page.id}, permissions=())

    with pytest.raises(PermissionMissing):
        list(GraphClient(token, sleep=sleeps).iter_posts(PAGE))


@pytest.mark.parametrize("code", [4, 17, 32])
def test_rate_limit_errors_are_retried_with_growing_waits(graph_standin, client, sleeps, code):
    graph_standin.state.fail_next(code, times=2)

    fields = client.page_fields(PAGE)

    assert fields["followers_count"] == 640
    assert len(graph_standin.requests) == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] > 0


def test_a_server_error_is_retried(graph_standin, client, sleeps):
    graph_standin.state.fail_next(2)  # HTTP 500, "service unavailable"

    assert client.page_fields(PAGE)["name"]
    assert graph_standin.requests and len(sleeps) == 1


def test_a_timeout_is_retried(graph_standin, token, sleeps):
    graph_standin.state.timeout_next(2)
    client = GraphClient(token, timeout=0.3, sleep=sleeps, rng=lambda: 0.5)

    assert client.page_fields(PAGE)["followers_count"] == 640
    assert len(sleeps) == 1


def test_it_gives_up_after_a_bounded_number_of_attempts(graph_standin, client, sleeps):
    graph_standin.state.fail_next(1, times=10)

    with pytest.raises(GraphUnavailable):
        client.page_fields(PAGE)
    assert len(graph_standin.requests) == 4 and len(sleeps) == 3


def test_a_retired_metric_is_reported_as_such(graph_standin, client):
    with pytest.raises(MetricRetired):
        client.insights(PAGE, "page_fans", date(2026, 1, 1), date(2026, 1, 31))


def test_insights_over_a_long_range_are_read_in_chunks_of_90_days(graph_standin, client, page):
    page.insights["page_follows"] = {date(2026, 1, 1): 500, date(2026, 5, 1): 600}

    values = client.insights(PAGE, "page_follows", date(2026, 1, 1), date(2026, 7, 1))

    calls = [r for r in graph_standin.requests if r.path.endswith("/insights")]
    assert len(calls) == 3
    for call in calls:
        assert int(call.query["until"]) - int(call.query["since"]) <= 90 * 86400
    assert [v.end_time for v in values] == sorted({v.end_time for v in values})
    assert 500 in [v.value for v in values] and 600 in [v.value for v in values]


def test_usage_above_75_percent_slows_the_next_call_down(graph_standin, client, sleeps):
    graph_standin.state.set_usage(buc={PAGE: 80}, app=30)

    list(client.iter_posts(PAGE, limit=25))

    assert len(sleeps) == 2  # before the 2nd and the 3rd page
    assert all(1 <= s <= 60 for s in sleeps)


def test_usage_at_100_percent_stops_calls_to_that_page_for_the_time_graph_gives(graph_standin, client, sleeps):
    graph_standin.state.set_usage(buc={PAGE: 100}, regain_minutes=7)

    with pytest.raises(RateLimited) as limited:
        client.page_fields(PAGE)
    assert limited.value.wait_seconds == pytest.approx(420, abs=5)
    calls = len(graph_standin.requests)

    with pytest.raises(RateLimited):
        list(client.iter_posts(PAGE))
    assert len(graph_standin.requests) == calls  # not called again


def test_a_shared_throttle_stops_other_clients_when_the_app_is_at_its_limit(graph_standin, page, sleeps):
    other = graph_standin.state.add_page(name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh", followers_count=90)
    throttle = Throttle()
    first = GraphClient(graph_standin.state.add_token(pages={page.id}), sleep=sleeps, throttle=throttle)
    second = GraphClient(graph_standin.state.add_token(pages={other.id}), sleep=sleeps, throttle=throttle)
    graph_standin.state.set_usage(app=100)

    with pytest.raises(RateLimited):
        first.page_fields(page.id)
    with pytest.raises(RateLimited) as limited:
        second.page_fields(other.id)
    assert limited.value.scope == "app"
    assert [r.path for r in graph_standin.requests] == [f"/v25.0/{page.id}"]


def test_no_token_appears_in_the_logs_of_a_failing_call(graph_standin, client, token, caplog):
    caplog.set_level(logging.DEBUG)
    graph_standin.state.fail_next(17)
    graph_standin.state.expire_token(token, subcode=463)

    with pytest.raises(TokenExpired) as expired:
        list(client.iter_posts(PAGE))

    assert "190" in caplog.text
    assert token not in caplog.text
    assert token not in str(expired.value) and token not in repr(client)
