"""The tracked links /s/<code>: made once per item and unit, a 302 to the item's address, clicks
counted by the documented filter and moved into the database once, whatever the flushes do."""

import threading
import uuid
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from loa.sharing import clicks, links, services
from loa.sharing.models import ClickDay, ShareLink, Tally

CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
FB_APP = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 [FBAN/FBIOS;FBAV/480.0]"
)
ORIGINAL = "https://congdoancaobang.vn/tin/nghi-quyet"


@pytest.fixture(autouse=True)
def _fresh_lookups():
    links.clear_local()
    yield
    links.clear_local()


@pytest.fixture
def item(tree):
    today = timezone.localdate()
    return services.item_create(
        by=None,
        unit=tree["province"],
        title="Nghị quyết Đại hội Công đoàn tỉnh",
        url=ORIGINAL,
        starts_on=today,
        ends_on=today + timedelta(days=3),
    )


def _code(url):
    return url.rsplit("/s/", 1)[1]


def _click(client, url, agent=CHROME, address="203.0.113.7", **extra):
    return client.get("/s/" + _code(url), HTTP_USER_AGENT=agent, REMOTE_ADDR=address, **extra)


def _clicks():
    return {(c.link.unit_id, c.day): c.clicks for c in ClickDay.objects.select_related("link")}


def test_a_units_link_is_made_once_and_is_absolute(item, tree):
    url = links.share_url(item, tree["a"])
    assert url.startswith("http://127.0.0.1:8000/s/")
    assert links.CODE_RE.fullmatch(_code(url)) and len(_code(url)) == links.CODE_LENGTH
    assert links.share_url(item, tree["a"]) == url
    assert links.share_url(item, tree["b"]) != url
    assert ShareLink.objects.count() == 2


def test_the_digest_gets_every_units_links_in_a_few_queries(item, tree):
    first = links.share_url(item, tree["a"])
    other = services.item_create(
        by=None, unit=tree["upper"], title="Tin 2", url="https://a.vn/2", starts_on=item.starts_on, ends_on=item.ends_on
    )
    units = [tree["a"], tree["b"], tree["upper"]]
    with CaptureQueriesContext(connection) as queries:
        urls = links.share_urls([item.pk, other.pk], units)
    assert len(queries) <= 4
    assert len(urls) == 6 and urls[(item.pk, tree["a"].pk)] == first
    assert links.share_urls([item.pk, other.pk], [u.pk for u in units]) == urls
    assert urls[(other.pk, tree["b"].pk)] == links.share_url(other, tree["b"])


def test_a_click_redirects_and_counts_for_the_unit_and_the_tree(client, item, tree):
    url = links.share_url(item, tree["a"])
    response = _click(client, url)
    assert response.status_code == 302 and response["Location"] == ORIGINAL
    assert response["Cache-Control"] == "no-store"
    assert _click(client, url, address="198.51.100.9").status_code == 302
    assert ClickDay.objects.count() == 0  # nothing written per click
    report = clicks.flush()
    assert (report.clicks, report.links) == (2, 1)
    today = timezone.localdate()
    assert _clicks() == {(tree["a"].pk, today): 2}
    month = today.replace(day=1)
    tallies = dict(Tally.objects.filter(month=month).values_list("unit_id", "clicks"))
    assert tallies == {tree["province"].pk: 2, tree["upper"].pk: 2, tree["a"].pk: 2}
    assert clicks.flush().clicks == 0  # nothing left to move


def test_the_redirect_reads_the_database_once_per_code(client, item, tree, django_assert_max_num_queries):
    url = links.share_url(item, tree["a"])
    with django_assert_max_num_queries(1):
        for n in range(5):
            assert _click(client, url, address=f"203.0.113.{n}").status_code == 302


@pytest.mark.parametrize(
    "agent",
    [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Zalo-Link-Preview/1.0",
        "Mozilla/5.0 (compatible; ZaloBot/1.0)",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32",
        "",
    ],
)
def test_robots_and_link_previews_are_redirected_but_not_counted(client, item, tree, agent):
    url = links.share_url(item, tree["a"])
    assert _click(client, url, agent=agent).status_code == 302
    clicks.flush()
    assert _clicks() == {}


@pytest.mark.parametrize(
    "header", [{"HTTP_PURPOSE": "prefetch"}, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}, {"HTTP_X_MOZ": "prefetch"}]
)
def test_prefetches_are_not_counted(client, item, tree, header):
    url = links.share_url(item, tree["a"])
    assert _click(client, url, **header).status_code == 302
    clicks.flush()
    assert _clicks() == {}


def test_people_in_facebooks_and_zalos_own_browsers_are_counted(client, item, tree):
    url = links.share_url(item, tree["a"])
    _click(client, url, agent=FB_APP)
    _click(client, url, agent=CHROME + " Zalo iOS/24.1", address="198.51.100.2")
    clicks.flush()
    assert _clicks() == {(tree["a"].pk, timezone.localdate()): 2}


def test_head_is_answered_but_not_counted(client, item, tree):
    url = links.share_url(item, tree["a"])
    response = client.head("/s/" + _code(url), HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
    assert client.post("/s/" + _code(url), HTTP_USER_AGENT=CHROME).status_code == 405
    clicks.flush()
    assert _clicks() == {}


def test_a_visitor_counts_once_a_link_a_day(client, item, tree):
    url_a, url_b = links.share_url(item, tree["a"]), links.share_url(item, tree["b"])
    for _ in range(3):
        _click(client, url_a)
    _click(client, url_b)  # another unit's link: counted for it
    _click(client, url_a, agent=FB_APP)  # another device behind the same address: another reader
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    with mock.patch("loa.sharing.clicks.timezone.localdate", return_value=tomorrow):
        _click(client, url_a)
    clicks.flush()
    assert _clicks() == {(tree["a"].pk, today): 2, (tree["b"].pk, today): 1, (tree["a"].pk, tomorrow): 1}


def test_no_address_or_user_agent_is_kept(client, item, tree):
    url = links.share_url(item, tree["a"])
    _click(client, url, address="203.0.113.77")
    day = timezone.localdate()
    who = clicks.visitor(day, "203.0.113.77", CHROME)
    assert "203.0.113.77" not in who and len(who) == 32
    assert who != clicks.visitor(day + timedelta(days=1), "203.0.113.77", CHROME)
    link = ShareLink.objects.get()
    assert cache.get(f"sharing:seen:{link.pk}:{day.isoformat()}:{who}") == 1


def test_a_retired_items_link_still_redirects(client, item, tree):
    url = links.share_url(item, tree["a"])
    services.item_retire(by=None, item=item)
    assert _click(client, url)["Location"] == ORIGINAL


def test_an_unknown_code_is_a_vietnamese_404(client, db):
    response = client.get("/s/AAAAAAAAAA", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 404
    assert "Không tìm thấy liên kết" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/s/abc%00def12",
        "/s/" + "A" * 5000,
        "/s/Liên-kết-1234",
        "/s/%F0%9F%98%80%F0%9F%98%80",
        "/s/abc%2F..%2Fx",
        "/s/ab",
    ],
)
def test_hostile_codes_are_404_never_500(client, db, path):
    assert client.get(path, HTTP_USER_AGENT=CHROME).status_code == 404


def test_only_web_addresses_are_redirected_to(client, item, tree):
    url = links.share_url(item, tree["a"])
    type(item).objects.filter(pk=item.pk).update(url="javascript:alert(1)")
    assert _click(client, url).status_code == 404
    type(item).objects.filter(pk=item.pk).update(url="ftp://congdoan.vn/x")
    links.forget([_code(url)])
    assert _click(client, url).status_code == 404


def test_a_second_flusher_waits_for_the_lease(item, tree, rf):
    link = links.link_for(item, tree["a"])
    request = rf.get("/s/x", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.1")
    clicks.count(request, link.pk)
    store = clicks.store()
    assert store.lease("someone-else", 60)
    assert clicks.flush().leased is False
    assert ClickDay.objects.count() == 0
    store.release("someone-else")
    assert clicks.flush().clicks == 1


def test_a_flush_that_died_is_taken_up_by_the_next_one_and_new_clicks_are_kept(item, tree, rf):
    link = links.link_for(item, tree["a"])
    store = clicks.store()

    def click(address):
        clicks.count(rf.get("/s/x", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=address), link.pk)

    click("203.0.113.1")
    click("203.0.113.2")
    with mock.patch("loa.sharing.clicks.apply", side_effect=RuntimeError("database gone")), pytest.raises(RuntimeError):
        clicks.flush()
    click("203.0.113.3")  # while the dead flush's counts wait: a new pending batch
    assert clicks.flush().clicks == 2  # the dead flush's batch first
    assert clicks.flush().clicks == 1
    assert ClickDay.objects.get().clicks == 3
    assert store.take() == {}


def test_a_flush_whose_lease_ran_out_rolls_back(item, tree, rf):
    link = links.link_for(item, tree["a"])
    clicks.count(rf.get("/s/x", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.1"), link.pk)
    with mock.patch.object(type(clicks.store()), "holds", return_value=False), pytest.raises(clicks.LeaseLost):
        clicks.flush()
    assert ClickDay.objects.count() == 0
    assert clicks.flush().clicks == 1


# --- On Redis, as in production -----------------------------------------------------------------


def _redis_up():
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def on_redis():
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = "loa-test-" + uuid.uuid4().hex
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield
        client = redis.Redis(host="127.0.0.1", port=6379, db=15)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_on_redis_a_click_counts_once_and_flushes(client, item, tree, on_redis):
    assert isinstance(clicks.store(), clicks.RedisStore)
    url = links.share_url(item, tree["a"])
    for _ in range(3):
        assert _click(client, url).status_code == 302
    _click(client, url, address="198.51.100.4")
    _click(client, url, agent="facebookexternalhit/1.1")
    assert clicks.flush().clicks == 2
    assert _clicks() == {(tree["a"].pk, timezone.localdate()): 2}


@pytest.mark.django_db(transaction=True)
def test_on_redis_racing_flushers_lose_nothing_and_count_nothing_twice(tree, on_redis, rf):
    today = timezone.localdate()
    item = services.item_create(by=None, unit=tree["province"], title="T", url=ORIGINAL, starts_on=today, ends_on=today)
    link_ids = [links.link_for(item, tree[u]).pk for u in ("a", "b")]
    total = 400
    stop = threading.Event()
    flushed = []

    def clicker():
        for n in range(total):
            request = rf.get("/s/x", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}")
            assert clicks.count(request, link_ids[n % 2])

    def flusher():
        try:
            while not stop.is_set():
                flushed.append(clicks.flush().clicks)
        finally:
            connection.close()

    workers = [threading.Thread(target=flusher) for _ in range(3)]
    for worker in workers:
        worker.start()
    clicker()
    stop.set()
    for worker in workers:
        worker.join()
    flushed.append(clicks.flush().clicks)
    assert sum(flushed) == total
    assert sum(ClickDay.objects.values_list("clicks", flat=True)) == total
    assert Tally.objects.get(unit=tree["province"], month=today.replace(day=1)).clicks == total


def test_a_counter_down_still_redirects(client, item, tree):
    url = links.share_url(item, tree["a"])
    with mock.patch("loa.sharing.clicks.count", side_effect=ConnectionError("Redis down")):
        assert _click(client, url)["Location"] == ORIGINAL


def test_with_the_cache_down_the_database_answers(client, item, tree):
    url = links.share_url(item, tree["a"])
    with (
        mock.patch("loa.sharing.links.cache.get", side_effect=ConnectionError("Redis down")),
        mock.patch("loa.sharing.clicks.count", side_effect=ConnectionError("Redis down")),
    ):
        assert _click(client, url)["Location"] == ORIGINAL


def test_the_flush_is_a_command_and_a_beat_entry(item, tree, rf):
    from io import StringIO

    from django.core.management import call_command

    from loa.sharing.schedule import BEAT_SCHEDULE
    from loa.sharing.tasks import flush_clicks_task

    link = links.link_for(item, tree["a"])
    clicks.count(rf.get("/s/x", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.1"), link.pk)
    out = StringIO()
    call_command("sharing_flush_clicks", stdout=out)
    assert "1 clicks on 1 link-days" in out.getvalue()
    entry = BEAT_SCHEDULE["sharing-flush-clicks"]
    assert entry["task"] == flush_clicks_task.name and entry["schedule"].total_seconds() == 60
    clicks.count(rf.get("/s/x", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.2"), link.pk)
    assert flush_clicks_task() == "1 clicks on 1 link-days"
    assert ClickDay.objects.get().clicks == 2


def test_the_deploy_check_warns_without_redis(db):
    assert [w.id for w in clicks.counters_check()] == ["loa.sharing.W001"]


def test_the_deploy_check_is_quiet_with_redis(on_redis):
    assert clicks.counters_check() == []
