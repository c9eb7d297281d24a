"""A post the Graph sync reads from a unit's Page that carries an item's link credits the share once."""

from datetime import UTC, date, datetime

import pytest

from loa.fanpages import sync
from loa.fanpages.models import Fanpage, GraphLink, Post
from loa.integrations.facebook import Throttle
from loa.sharing import credit, links, services
from loa.sharing.models import Share, Tally

ORIGINAL = "https://congdoancaobang.vn/tin/nghi-quyet-dai-hoi"
POSTED = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 in Cao Bằng
NOW = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)


@pytest.fixture
def item(tree):
    return services.item_create(
        by=None,
        unit=tree["province"],
        title="Nghị quyết Đại hội",
        url=ORIGINAL,
        starts_on=date(2026, 12, 7),
        ends_on=date(2026, 12, 9),
    )


def _page(graph, unit, **posts):
    fanpage = Fanpage.objects.create(
        unit=unit, name=f"Trang {unit.code}", url=f"https://www.facebook.com/{unit.code}", url_key=unit.code.lower()
    )
    page = graph.state.add_page(name=fanpage.name)
    token = graph.state.add_token(pages={page.id})
    link = GraphLink.objects.create(
        fanpage=fanpage, page_id=page.id, token=token, synced_through=datetime(2026, 12, 1, tzinfo=UTC)
    )
    return page, link


def _sync(link):
    link.refresh_from_db()
    return sync.sync_page(link, now=NOW, throttle=Throttle(), sleep=lambda s: None)


@pytest.fixture(autouse=True)
def fast(settings):
    settings.INTEGRATIONS_TIMEOUT = 2


def test_a_synced_post_sharing_the_items_link_is_credited_once(graph_standin, tree, item):
    page, link = _page(graph_standin, tree["a"])
    page.add_posts([POSTED], message="Mời đoàn viên đọc nghị quyết", link=ORIGINAL + "?utm_source=zalo&fbclid=x1")
    page.add_posts([datetime(2026, 12, 7, 5, 0, tzinfo=UTC)], message="Hội thao công nhân viên chức")
    assert _sync(link) == ("done", 2)
    share = Share.objects.get()
    post = Post.objects.get(fanpage=link.fanpage, post_key=share.post_key)
    assert (share.item, share.unit, share.kind, share.post) == (item, tree["a"], Share.Kind.GRAPH, post)
    assert share.post_url == post.permalink and share.post_url.startswith("https://www.facebook.com/")
    assert share.shared_at == POSTED
    # Read again (a new token, a resumed run): still one share, counted once up the tree.
    GraphLink.objects.filter(pk=link.pk).update(synced_through=datetime(2026, 12, 1, tzinfo=UTC))
    assert _sync(link) == ("done", 0)
    assert Share.objects.count() == 1
    assert Tally.objects.get(unit=tree["province"], month=date(2026, 12, 1)).shared == 1


def test_the_units_tracked_link_in_the_message_is_credited_too(graph_standin, tree, item):
    page, link = _page(graph_standin, tree["b"])
    tracked = links.share_url(item, tree["b"])
    page.add_posts([POSTED], message=f"Nghị quyết Đại hội Công đoàn tỉnh, xem tại: {tracked}.")
    _sync(link)
    assert Share.objects.get().unit == tree["b"]


def test_a_post_not_carrying_the_link_is_not_credited(graph_standin, tree, item):
    page, link = _page(graph_standin, tree["a"])
    page.add_posts(
        [POSTED], message="Xem https://congdoancaobang.vn/tin/khac", link="https://congdoancaobang.vn/tin/khac"
    )
    _sync(link)
    assert not Share.objects.exists()


def test_a_post_for_a_unit_outside_the_audience_or_before_the_item_is_not_credited(graph_standin, tree, other, item):
    upper_only = services.item_create(
        by=None,
        unit=tree["upper"],
        title="Tin ngành",
        url="https://a.vn/tin-nganh",
        starts_on=item.starts_on,
        ends_on=item.ends_on,
    )
    page, link = _page(graph_standin, other["unit"])  # beside the upper union, not under it
    page.add_posts([POSTED], link=upper_only.url)
    page_a, link_a = _page(graph_standin, tree["a"])
    page_a.add_posts([datetime(2026, 12, 5, 3, 0, tzinfo=UTC)], link=ORIGINAL)  # two days before the item
    _sync(link)
    _sync(link_a)
    assert not Share.objects.exists()


def test_a_declared_share_stands(graph_standin, tree, item):
    services.share_record(by=None, item=item, unit=tree["a"], kind=Share.Kind.DECLARED)
    page, link = _page(graph_standin, tree["a"])
    page.add_posts([POSTED], link=ORIGINAL)
    _sync(link)
    assert list(Share.objects.values_list("kind", flat=True)) == [Share.Kind.DECLARED]


@pytest.mark.parametrize(
    ("written", "same"),
    [
        ("http://www.congdoancaobang.vn/tin/nghi-quyet-dai-hoi/", True),
        ("https://m.congdoancaobang.vn/tin/nghi-quyet-dai-hoi#binh-luan", True),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fcongdoancaobang.vn%2Ftin%2Fnghi-quyet-dai-hoi&h=AT0", True),
        ("https://congdoancaobang.vn/tin/nghi-quyet-dai-hoi?zarsrc=30&utm_medium=social", True),
        ("https://congdoancaobang.vn/tin/nghi-quyet-dai-hoi-2", False),
        ("https://congdoancaobang.vn/tin/nghi-quyet-dai-hoi?id=2", False),
        ("javascript:alert(1)", False),
    ],
)
def test_addresses_are_compared_normalised(written, same):
    assert (credit.normalise(written) == credit.normalise(ORIGINAL)) is same


def test_addresses_are_found_in_a_message():
    found = credit.addresses("Đọc tại www.congdoancaobang.vn/tin/a, và (https://a.vn/b).", ["https://c.vn/d"])
    assert {credit.normalise(u) for u in found} == {
        "https://c.vn/d",
        "https://congdoancaobang.vn/tin/a",
        "https://a.vn/b",
    }


def test_the_graph_client_reads_a_posts_attached_link_as_graph_answers_it(graph_standin):
    from loa.integrations.facebook import GraphClient, InvalidParameter

    page = graph_standin.state.add_page()
    page.add_posts([POSTED], message="Tin", link=ORIGINAL)
    token = graph_standin.state.add_token(pages={page.id})
    client = GraphClient(token, sleep=lambda s: None)
    (post,) = client.iter_posts(page.id)
    assert post.links[0] == ORIGINAL  # unshimmed_url first
    assert post.links[1].startswith("https://l.facebook.com/l.php?u=")
    assert credit.normalise(post.links[1]) == credit.normalise(ORIGINAL)
    with pytest.raises(InvalidParameter, match="nonexisting field"):
        list(client.iter_posts(page.id, fields=("id", "attachments{url,nonsense}")))
