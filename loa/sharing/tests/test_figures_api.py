"""/api/v1/sharing: items (create, list, retire), a unit's list for a day, marking shared with or
without a post link, share rates per unit and per child, click counts; outsiders 404, read-only 403,
hostile input a Vietnamese 4xx."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loa.fanpages.models import Fanpage
from loa.sharing import services, tally
from loa.sharing.models import ClickDay, Item, ShareLink

API = "/api/v1/sharing"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def item(tree, today):
    item = services.item_create(
        by=None,
        unit=tree["province"],
        title="Luật Công đoàn 2024",
        url="https://congdoancaobang.vn/phap-luat/luat-cong-doan-2024",
        starts_on=today,
        ends_on=today + timedelta(days=3),
    )
    Item.objects.filter(pk=item.pk).update(asked_on=today)
    item.refresh_from_db()
    tally.record_asked(today, {tree["a"].path: 1, tree["b"].path: 1})
    return item


def test_an_editor_curates_lists_and_retires_an_item(api_client, editor, tree, today, kinds):
    client = api_client(editor)
    body = {
        "unit_id": tree["upper"].pk,
        "title": "Tháng công nhân",
        "url": "https://congdoanvienchuc.caobang.gov.vn/thang-cong-nhan",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=2)).isoformat(),
        "audience_kind_ids": [kinds["cdcs"].pk],
    }
    created = client.post(f"{API}/items", body, content_type="application/json")
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["audience_kind_ids"] == [kinds["cdcs"].pk] and item["status"] == "active"
    listed = client.get(f"{API}/items").json()
    assert [i["id"] for i in listed["items"]] == [item["id"]] and listed["count"] == 1
    retire = f"{API}/items/{item['id']}/retire"
    stale = client.post(retire, {"version": item["version"] + 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "active"
    retired = client.post(retire, {"version": item["version"]}, content_type="application/json")
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    again = client.post(retire, {}, content_type="application/json")  # a second tap changes nothing
    assert again.status_code == 200 and again.json()["status"] == "retired"


def test_an_officer_may_not_curate_and_an_outsider_sees_nothing(api_client, alice, other, tree, today, item):
    body = {
        "unit_id": tree["upper"].pk,
        "title": "T",
        "url": "https://a.vn/x",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
    }
    refused = api_client(alice).post(f"{API}/items", {**body, "unit_id": tree["a"].pk}, content_type="application/json")
    assert refused.status_code == 403 and "biên tập" in refused.json()["detail"]
    assert (
        api_client(alice).post(f"{API}/items/{item.pk}/retire", {}, content_type="application/json").status_code == 403
    )
    outsider = api_client(other["admin"])
    assert outsider.post(f"{API}/items", body, content_type="application/json").status_code == 404
    assert outsider.get(f"{API}/units/{tree['a'].pk}/items").status_code == 404
    assert outsider.get(f"{API}/rates/units/{tree['upper'].pk}/children").status_code == 404
    assert (
        outsider.post(
            f"{API}/units/{tree['a'].pk}/items/{item.pk}/share", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_an_officer_reads_todays_list_and_marks_shares_declared_or_with_a_link(api_client, alice, tree, today, item):
    client = api_client(alice)
    listed = client.get(f"{API}/units/{tree['a'].pk}/items").json()
    assert [(i["item"]["id"], i["share"]) for i in listed] == [(item.pk, None)]
    # A link on no Page of the unit's is refused in Vietnamese; with its Page registered, it credits.
    link = "https://www.facebook.com/cdcs.thpt.caobang/posts/123456789"
    refused = client.post(
        f"{API}/units/{tree['a'].pk}/items/{item.pk}/share", {"post_url": link}, content_type="application/json"
    )
    assert refused.status_code == 422 and "Fanpage" in refused.json()["detail"]
    Fanpage.objects.create(unit=tree["a"], name="CĐCS THPT", url="https://www.facebook.com/cdcs.thpt.caobang")
    other_page = "https://www.facebook.com/trang.khac/posts/987"
    wrong = client.post(
        f"{API}/units/{tree['a'].pk}/items/{item.pk}/share", {"post_url": other_page}, content_type="application/json"
    )
    assert wrong.status_code == 422 and "Trang khác" in wrong.json()["detail"]
    not_a_post = client.post(
        f"{API}/units/{tree['a'].pk}/items/{item.pk}/share",
        {"post_url": "https://vnexpress.net/x"},
        content_type="application/json",
    )
    assert not_a_post.status_code == 422 and "Facebook" in not_a_post.json()["detail"]
    shared = client.post(
        f"{API}/units/{tree['a'].pk}/items/{item.pk}/share", {"post_url": link}, content_type="application/json"
    )
    assert shared.status_code == 201 and shared.json()["kind"] == "link" and shared.json()["on_time"]
    again = client.post(f"{API}/units/{tree['a'].pk}/items/{item.pk}/share", {}, content_type="application/json")
    assert again.status_code == 422 and "đã chia sẻ" in again.json()["detail"]
    assert client.get(f"{API}/units/{tree['a'].pk}/items").json()[0]["share"]["kind"] == "link"


def test_marking_needs_the_units_officer(api_client, leader, bob, tree, item):
    assert (
        api_client(leader)
        .post(f"{API}/units/{tree['a'].pk}/items/{item.pk}/share", {}, content_type="application/json")
        .status_code
        == 403
    )
    declared = api_client(bob).post(
        f"{API}/units/{tree['b'].pk}/items/{item.pk}/share", {}, content_type="application/json"
    )
    assert declared.status_code == 201 and declared.json()["kind"] == "declared"


def test_share_rates_per_unit_and_per_child_and_the_clicks(
    api_client, admin, alice, tree, today, item, django_assert_max_num_queries
):
    services.share_record(by=None, item=item, unit=tree["a"], kind="declared")
    link = ShareLink.objects.create(item=item, unit=tree["a"], code="apitest1")
    ClickDay.objects.create(link=link, day=today, clicks=4)
    tally.record_clicks({(tree["a"].path, today): 4})
    client = api_client(admin)
    with django_assert_max_num_queries(8):
        table = client.get(f"{API}/rates/units/{tree['upper'].pk}/children", {"sort": "-rate"}).json()
    assert [(c["name"], c["asked"], c["on_time"], c["rate"], c["clicks"]) for c in table["children"]] == [
        (tree["a"].name, 1, 1, 1.0, 4),
        (tree["b"].name, 1, 0, 0.0, 0),
    ]
    assert table["total"]["rate"] == 0.5 and table["own"]["asked"] == 0
    mine = api_client(alice).get(f"{API}/rates/units/{tree['a'].pk}").json()
    assert mine["unit"]["rate"] == 1.0 and [a["rate"] for a in mine["averages"]] == [0.5, 0.5]
    shares = client.get(f"{API}/items/{item.pk}/shares").json()
    assert [(s["unit_id"], s["days"], s["clicks"]) for s in shares["items"]] == [(tree["a"].pk, 0, 4)]
    clicks = client.get(f"{API}/items/{item.pk}/clicks").json()
    assert clicks["clicks"] == 4 and clicks["units"][0]["unit_id"] == tree["a"].pk


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/rates/units/{a}", {"month": 13}),
        ("/rates/units/{a}", {"year": "abc"}),
        ("/rates/units/{a}/children", {"sort": "drop table"}),
        ("/units/{a}/items", {"day": "2021-02-30"}),
        ("/items", {"status": "x"}),
    ],
)
def test_hostile_queries_are_refused_in_vietnamese(api_client, admin, tree, path, params):
    response = api_client(admin).get(API + path.format(a=tree["a"].pk), params)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_hostile_bodies_are_refused_in_vietnamese(api_client, editor, tree, today):
    client = api_client(editor)
    base = {"unit_id": tree["upper"].pk, "title": "T", "url": "https://a.vn/x", "starts_on": today.isoformat()}
    for body in (
        {**base, "ends_on": (today - timedelta(days=1)).isoformat()},
        {**base, "ends_on": today.isoformat(), "url": "javascript:alert(1)"},
        {**base, "ends_on": today.isoformat(), "title": "x" * 201},
        {**base, "ends_on": today.isoformat(), "audience_unit_ids": [999999]},
        {**base, "ends_on": today.isoformat(), "surprise": 1},
    ):
        response = client.post(f"{API}/items", body, content_type="application/json")
        assert response.status_code == 422, (body, response.content)
        assert response.json()["detail"] and response.json()["code"] == "invalid"


def test_the_schema_names_the_sharing_answers_apart_from_other_areas(client):
    """Schemas are named across the whole API: a second `FiguresOut` would replace the articles' one."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "rate_overall" in components["SharingFiguresOut"]["properties"]
    assert "rate_overall" not in components["FiguresOut"]["properties"]
    assert {"/api/v1/sharing/items", "/api/v1/sharing/rates/units/{unit_id}/children"} <= set(schema["paths"])
