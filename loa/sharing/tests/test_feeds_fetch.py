"""Reading official sites' feeds from a local feed server: RSS and Atom, conditional GET, errors
recorded in Vietnamese, hostile content made plain text, each entry kept once."""

from io import StringIO

import pytest
from django.core.management import call_command

from loa.sharing import feeds
from loa.sharing.models import Feed, FeedEntry, Item
from loa.sharing.tests.feed_server import Route, atom, rss

NEWS = {
    "guid": "cdvn-1001",
    "title": "Tổng LĐLĐ Việt Nam hướng dẫn Đại hội công đoàn các cấp",
    "link": "https://congdoan.vn/tin/1001",
    "description": "Hướng dẫn số 12/HD-TLĐ.",
}
LAW = {
    "guid": "cdvn-1002",
    "title": "Luật Công đoàn 2024 có hiệu lực",
    "link": "https://congdoan.vn/tin/1002",
    "description": "Từ ngày 1/7/2025.",
}


@pytest.fixture
def feed(tree):
    def _feed(server, path="/rss.xml"):
        return Feed.objects.create(unit=tree["upper"], name="Công đoàn Việt Nam", url=f"{server.url}{path}")

    return _feed


def test_new_rss_entries_are_kept_once_and_an_unchanged_feed_answers_304(feed_server, feed):
    feed_server.routes["/rss.xml"] = Route(rss(NEWS), etag='"v1"', headers={"Last-Modified": "Mon, 07 Dec 2026"})
    f = feed(feed_server)

    assert feeds.fetch_feed(f).new == 1
    entry = FeedEntry.objects.get()
    assert (entry.guid, entry.title, entry.link, entry.summary) == (
        "cdvn-1001",
        NEWS["title"],
        NEWS["link"],
        "Hướng dẫn số 12/HD-TLĐ.",
    )
    assert entry.status == FeedEntry.Status.PENDING and entry.item is None  # waits for an editor
    assert not Item.objects.exists()
    f.refresh_from_db()
    assert (f.etag, f.modified, f.last_error) == ('"v1"', "Mon, 07 Dec 2026", "")
    assert f.last_checked_at is not None

    outcome = feeds.fetch_feed(f)  # nothing new: the site answers 304 to our ETag
    assert outcome.not_modified and outcome.new == 0
    assert feed_server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert feed_server.requests[-1][1]["If-Modified-Since"] == "Mon, 07 Dec 2026"

    # The site adds an entry and lists the first again (same guid, new wording): only the new one is kept.
    feed_server.routes["/rss.xml"] = Route(rss(LAW, {**NEWS, "title": "Sửa tiêu đề"}), etag='"v2"')
    assert feeds.fetch_feed(f).new == 1
    assert sorted(FeedEntry.objects.values_list("guid", flat=True)) == ["cdvn-1001", "cdvn-1002"]
    assert FeedEntry.objects.get(guid="cdvn-1001").title == NEWS["title"]


def test_atom_entries_and_entries_without_guid_are_known_by_their_link(feed_server, feed):
    feed_server.routes["/atom.xml"] = Route(
        atom({"id": "tag:ldld,2026:1", "title": "Hội nghị BCH &amp;amp; Đại hội", "link": "https://ldld.vn/a/1"}),
        content_type="application/atom+xml",
    )
    feed_server.routes["/plain.xml"] = Route(rss({"title": "Không có guid", "link": "https://ldld.vn/b/2"}))
    a, plain = feed(feed_server, "/atom.xml"), feed(feed_server, "/plain.xml")

    assert feeds.fetch_feed(a).new == 1
    assert FeedEntry.objects.get(feed=a).title == "Hội nghị BCH & Đại hội"
    assert feeds.fetch_feed(plain).new == 1
    assert feeds.fetch_feed(plain).new == 0  # no ETag here: read in full again, the link is known
    assert FeedEntry.objects.get(feed=plain).guid == "https://ldld.vn/b/2"


def test_script_markup_and_control_characters_never_reach_the_entry(feed_server, feed):
    hostile = {
        "guid": "x-1",
        "title": "Tin &lt;script&gt;alert(1)&lt;/script&gt;nóng\x01\x02 <b>đậm</b>",
        "link": "https://congdoan.vn/tin/x",
        "description": (
            "&lt;p&gt;Đoạn một&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;"
            '&lt;img src=x onerror="alert(2)"&gt;&lt;style&gt;p{}&lt;/style&gt;Đoạn hai\x0b'
        ),
    }
    bad_link = {"guid": "x-2", "title": "Liên kết lạ", "link": "javascript:alert(3)"}
    feed_server.routes["/rss.xml"] = Route(rss(hostile, bad_link).replace(b"\x01\x02", b""))
    f = feed(feed_server)

    assert feeds.fetch_feed(f).new == 1  # the javascript: link is no entry
    entry = FeedEntry.objects.get()
    assert "<" not in entry.title and "script" not in entry.title and "alert" not in entry.title
    assert entry.title.startswith("Tin") and "đậm" in entry.title
    assert "steal" not in entry.summary and "onerror" not in entry.summary and "<" not in entry.summary
    assert "Đoạn một" in entry.summary and "Đoạn hai" in entry.summary
    assert "\x0b" not in entry.summary


def test_control_characters_in_a_feed_are_dropped():
    body = rss({"guid": "c-1", "title": "Tin\x07 có ký tự\x1b lạ", "link": "https://a.vn/c", "description": "x\x00y"})
    [entry] = feeds.parse(body)
    assert entry.title == "Tin có ký tự lạ"
    assert "\x00" not in entry.summary


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"oops", status=500), "Trang web trả lời lỗi 500."),
        (Route(rss(NEWS), delay=3), "không trả lời trong 1 giây"),
        (Route(rss(NEWS) * 100, drip=0.2, length=False), "không trả lời trong 1 giây"),
        (Route(b"<rss><channel><item>" + b"x" * 60_000, length=False), "quá lớn"),
        (Route(b"<rss><channel><item>" + b"x" * 60_000), "quá lớn"),  # its Content-Length says so
        (Route(b"<html><body>Not a feed <p></body", content_type="text/html"), "không phải nguồn tin RSS"),
        (Route(b'<?xml version="1.0"?><rss><channel><item><title>a</titl', content_type="text/xml"), "nguồn tin RSS"),
    ],
    ids=["500", "slow", "drip", "huge", "huge-declared", "html", "malformed"],
)
def test_a_read_that_fails_records_why_in_vietnamese_and_keeps_nothing(feed_server, feed, route, message):
    feed_server.routes["/rss.xml"] = route
    f = feed(feed_server)
    outcome = feeds.fetch_feed(f)
    assert message in outcome.error
    f.refresh_from_db()
    assert message in f.last_error and f.last_checked_at is not None
    assert not FeedEntry.objects.exists()


def test_an_unreachable_site_is_an_error_and_a_later_good_read_clears_it(feed_server, feed, tree):
    f = Feed.objects.create(unit=tree["upper"], name="Đã đóng", url="http://127.0.0.1:9/rss.xml")
    assert "Không kết nối được" in feeds.fetch_feed(f).error
    feed_server.routes["/rss.xml"] = Route(rss(NEWS))
    f.url = f"{feed_server.url}/rss.xml"
    f.save()
    feeds.fetch_feed(f)
    f.refresh_from_db()
    assert f.last_error == ""


def test_the_command_reads_every_active_feed_once_and_skips_paused_ones(feed_server, feed, tree):
    feed_server.routes["/rss.xml"] = Route(rss(NEWS, LAW), etag='"v1"')
    feed_server.routes["/500"] = Route(status=500)
    feed(feed_server)
    feed(feed_server, "/500")
    paused = feed(feed_server, "/paused")
    paused.active = False
    paused.save()

    out = StringIO()
    call_command("fetch_share_feeds", stdout=out)
    assert "2 feeds: 2 new entries, 0 unchanged, 1 failed" in out.getvalue()
    assert not any(path == "/paused" for path, _ in feed_server.requests)
    call_command("fetch_share_feeds", stdout=out)
    assert "2 feeds: 0 new entries, 1 unchanged, 1 failed" in out.getvalue()
    assert FeedEntry.objects.count() == 2


def test_a_feed_taken_by_another_run_is_not_read_twice(feed_server, feed):
    feed_server.routes["/rss.xml"] = Route(rss(NEWS))
    f = feed(feed_server)
    stale = Feed.objects.get(pk=f.pk)
    feeds.fetch_feed(f)  # another run read it meanwhile: last_checked_at moved on
    assert feeds._claim(stale, stale.last_checked_at) is False
    fresh = Feed.objects.get(pk=f.pk)
    assert feeds._claim(fresh, fresh.last_checked_at) is True


def test_the_beat_schedule_reads_the_feeds():
    from loa.celery import app

    app.loader.import_default_modules()
    app.finalize()
    assert app.conf.beat_schedule["sharing-fetch-feeds"]["task"] == "loa.sharing.fetch_feeds"
    assert "loa.sharing.fetch_feeds" in app.tasks
