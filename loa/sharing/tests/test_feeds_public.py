"""The public page and RSS 2.0, Atom and JSON Feed documents of an upper unit's items: no login,
nothing but the items and the unit's public name, valid documents whatever the titles hold."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from loa.sharing import services
from loa.sharing.models import Item, Share
from loa.units.services import unit_create

HOSTILE = 'Tin <script>alert("x")</script> & "nóng" ]]> <![CDATA[\x07 cuối'
HOSTILE_CLEAN = 'Tin <script>alert("x")</script> & "nóng" ]]> <![CDATA[ cuối'


@pytest.fixture
def items(tree, editor, other):
    today = timezone.localdate()

    def make(title, unit=tree["upper"], start=0, days=3, **kw):
        return services.item_create(
            by=editor,
            unit=unit,
            title=title,
            url=f"https://congdoan.vn/tin/{abs(hash(title)) % 10_000}",
            text=kw.pop("text", "Mời đoàn viên đọc và chia sẻ."),
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=start + days),
            **kw,
        )

    shown = make("Luật Công đoàn 2024 có hiệu lực")
    hostile = make(HOSTILE, text="Nội dung <b>đậm</b> & \x0b")
    make("Tin của tuần sau", start=7)
    make("Tin của ngành Y tế", unit=other["unit"])
    make("Tin của tỉnh", unit=tree["province"])
    retired = make("Tin đã thôi")
    services.item_retire(by=editor, item=retired)
    services.share_record(by=None, item=shown, unit=tree["a"], kind=Share.Kind.DECLARED)
    return {"shown": shown, "hostile": hostile}


def _get(client, name, key="CDVC", **headers):
    return client.get(reverse(name, args=[key]), **headers)


def test_the_public_page_lists_the_units_active_items_without_login(client, items, editor):
    response = _get(client, "sharing:public")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "Công đoàn Viên chức tỉnh Cao Bằng" in html
    assert "Luật Công đoàn 2024 có hiệu lực" in html and "Mời đoàn viên đọc và chia sẻ." in html
    for absent in ("Tin của tuần sau", "Tin của ngành Y tế", "Tin của tỉnh", "Tin đã thôi"):
        assert absent not in html
    # No personal data and no unit data: not the editor, not the unit that shared, no count.
    for private in (editor.full_name, "Công đoàn cơ sở Trường THPT", "CS-A", "alice"):
        assert private not in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "\x07" not in html
    assert 'type="application/rss+xml"' in html and reverse("sharing:public_json", args=["CDVC"]) in html


def test_rss_and_atom_parse_back_with_the_titles_as_written(client, items):
    for name, version, content_type in (
        ("sharing:public_rss", "rss20", "application/rss+xml; charset=utf-8"),
        ("sharing:public_atom", "atom10", "application/atom+xml; charset=utf-8"),
    ):
        response = _get(client, name)
        assert response.status_code == 200 and response["Content-Type"] == content_type
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.version == version
        assert parsed.feed.title == "Công đoàn Viên chức tỉnh Cao Bằng"
        titles = [e.title for e in parsed.entries]
        assert titles == [HOSTILE_CLEAN, "Luật Công đoàn 2024 có hiệu lực"]  # newest first
        assert parsed.entries[1].link == items["shown"].url
        ids = [e.id for e in parsed.entries]
        assert len(set(ids)) == 2 and all(i.startswith("http://testserver/sharing/public/CDVC/#item-") for i in ids)
        body = response.content.decode()
        assert "<script>" not in body and "alice" not in body and "Đàm Thị Biên" not in body


def test_the_json_feed_follows_version_1_1(client, items):
    response = _get(client, "sharing:public_json")
    assert response.status_code == 200 and response["Content-Type"] == "application/feed+json; charset=utf-8"
    doc = json.loads(response.content)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "Công đoàn Viên chức tỉnh Cao Bằng"
    assert doc["home_page_url"] == "http://testserver/sharing/public/CDVC/"
    assert doc["feed_url"] == "http://testserver/sharing/public/CDVC/feed.json"
    assert set(doc) <= {"version", "title", "home_page_url", "feed_url", "language", "items"}
    assert [i["title"] for i in doc["items"]] == [HOSTILE_CLEAN, "Luật Công đoàn 2024 có hiệu lực"]
    for item in doc["items"]:
        assert set(item) <= {"id", "url", "title", "content_text", "date_published", "date_modified", "image"}
        assert isinstance(item["id"], str) and item["id"]
        assert item["content_text"] and item["date_published"].endswith("Z")
    assert doc["items"][0]["content_text"] == "Nội dung <b>đậm</b> & "


def test_answers_may_be_cached_and_an_unchanged_feed_answers_304(client, items):
    for name in ("sharing:public", "sharing:public_rss", "sharing:public_atom", "sharing:public_json"):
        response = _get(client, name)
        assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
        assert "Set-Cookie" not in response.headers and not response.cookies
        again = _get(client, name, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, name
    before = _get(client, "sharing:public_rss")["ETag"]
    services.item_retire(by=None, item=items["shown"])
    assert _get(client, "sharing:public_rss", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_only_an_active_upper_unit_has_a_public_feed(client, tree, kinds, items):
    assert _get(client, "sharing:public", key=str(tree["upper"].pk)).status_code == 200  # by id too
    assert _get(client, "sharing:public_rss", key="CS-A").status_code == 404  # a grassroots union
    assert _get(client, "sharing:public_json", key="NOPE").status_code == 404
    assert _get(client, "sharing:public_atom", key="9" * 40).status_code == 404
    closed = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDCU", name="Công đoàn cũ")
    closed.active_to = timezone.localdate() - timedelta(days=1)
    closed.save()
    assert _get(client, "sharing:public", key="CDCU").status_code == 404
    assert client.post(reverse("sharing:public_rss", args=["CDVC"])).status_code == 405
    for hostile in ("%00", "a%27%20OR%201=1", "%E1%BB%87" * 30):
        assert client.get(f"/sharing/public/{hostile}/feed.json").status_code == 404


def test_a_unit_with_nothing_today_gives_valid_empty_feeds(client, tree):
    assert "Hôm nay chưa có tin để chia sẻ." in _get(client, "sharing:public").content.decode()
    parsed = feedparser.parse(_get(client, "sharing:public_atom").content)
    assert not parsed.bozo and parsed.entries == []
    assert json.loads(_get(client, "sharing:public_json").content)["items"] == []


def test_an_items_image_is_linked_through_the_image_view(client, items):
    item = items["shown"]
    item.image.save("anh.png", ContentFile(b"\x89PNG"), save=True)
    image = "http://testserver" + reverse("sharing:item_image", args=[item.pk])
    doc = json.loads(_get(client, "sharing:public_json").content)
    assert [i.get("image") for i in doc["items"]] == [None, image]
    rss = feedparser.parse(_get(client, "sharing:public_rss").content)
    assert rss.entries[1].enclosures[0]["href"] == image and rss.entries[1].enclosures[0]["type"] == "image/png"
    assert f'src="{image}"' in _get(client, "sharing:public").content.decode()
    assert client.get(image).status_code == 200  # the curate part's view: public while the item is shared


def test_the_public_answers_take_a_bounded_number_of_queries(client, tree, editor, django_assert_max_num_queries):
    today = timezone.localdate()
    Item.objects.bulk_create(
        Item(
            unit=tree["upper"],
            unit_path=tree["upper"].path,
            title=f"Tin {i}",
            url=f"https://a.vn/{i}",
            starts_on=today,
            ends_on=today,
        )
        for i in range(80)
    )
    for name in ("sharing:public", "sharing:public_rss", "sharing:public_atom", "sharing:public_json"):
        with django_assert_max_num_queries(3):
            response = _get(client, name)
        assert response.status_code == 200
    assert len(json.loads(_get(client, "sharing:public_json").content)["items"]) == 50
