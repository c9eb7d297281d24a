"""What the API takes in (loa.api.types): each finding of issue 11 answers a clear Vietnamese 422
naming the field, never a 500, and nothing already stored is lost."""

from datetime import date

import pytest

from loa.articles.tests.factories import channels
from loa.fanpages.models import Fanpage, FollowerSnapshot
from loa.scoring import examples
from loa.units.models import Unit

pytestmark = pytest.mark.django_db
JSON = "application/json"
TOO_BIG = 2**64  # beyond a BigAutoField


def _refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field], body
    return body["errors"][field][0]


def test_true_is_not_taken_for_the_id_1(api_client, admin, tree):
    client = api_client(admin)
    response = client.post(
        "/api/v1/units", {"parent": True, "kind": "cdcs", "code": "CS-T", "name": "Thử"}, content_type=JSON
    )
    assert _refused(response, "parent") == "Hãy nhập một số nguyên."
    assert not Unit.objects.filter(code="CS-T").exists()


def test_an_id_beyond_64_bits_is_refused_in_the_path_the_query_and_the_body(api_client, admin, tree):
    client = api_client(admin)
    assert "9223372036854775807" in _refused(client.get(f"/api/v1/units/{TOO_BIG}"), "unit_id")
    _refused(client.get("/api/v1/units", {"parent": TOO_BIG}), "parent")
    _refused(client.put(f"/api/v1/directives/{TOO_BIG}/recipients", {"mode": "all"}, content_type=JSON), "directive_id")
    response = client.post(
        "/api/v1/directives",
        {
            "issuing_unit": TOO_BIG,
            "number": "1/TB",
            "issued_on": "2021-04-05",
            "summary": "x",
            "body": "x",
            "signer_name": "x",
        },
        content_type=JSON,
    )
    _refused(response, "issuing_unit")


def test_a_huge_page_number_is_refused(api_client, admin, tree):
    message = _refused(api_client(admin).get("/api/v1/units", {"page": 10**20}), "page")
    assert "1000000" in message


def test_a_year_out_of_range_is_refused(api_client, alice, tree):
    client = api_client(alice)
    assert "2100" in _refused(client.get(f"/api/v1/articles/units/{tree['a'].pk}/progress", {"year": 30650}), "year")
    _refused(client.get("/api/v1/articles/progress", {"year": 1}), "year")


def test_null_topics_are_refused_and_the_piece_keeps_its_own(api_client, alice, editor, tree):
    chans = channels(editor)
    client = api_client(alice)
    piece = client.post(
        "/api/v1/articles/submissions",
        {"unit": tree["a"].pk, "title": "Tin", "topics": ["dien-hinh"], "channels": [chans[0].pk]},
        content_type=JSON,
    ).json()
    response = client.patch(
        f"/api/v1/articles/submissions/{piece['id']}", {"version": piece["version"], "topics": None}, content_type=JSON
    )
    _refused(response, "topics")
    assert client.get(f"/api/v1/articles/submissions/{piece['id']}").json()["topics"] == ["dien-hinh"]


def test_a_negative_order_of_a_criterion_is_refused(api_client, admin, tree):
    examples.letter_2021(by=admin, unit=tree["province"], year=2021)
    response = api_client(admin).post(
        "/api/v1/scoring/rubrics/2021/criteria",
        {
            "code": "X1",
            "name": "Thử",
            "order": -1,
            "max_points": "5",
        },
        content_type=JSON,
    )
    assert "0" in _refused(response, "order")


def test_points_beyond_what_the_rubric_stores_are_refused(api_client, admin, tree):
    examples.letter_2021(by=admin, unit=tree["province"], year=2021)
    response = api_client(admin).post(
        "/api/v1/scoring/rubrics/2021/criteria",
        {
            "code": "X1",
            "name": "Thử",
            "max_points": "1e20",
        },
        content_type=JSON,
    )
    _refused(response, "max_points")


@pytest.fixture
def page_a(tree):
    return Fanpage.objects.create(
        unit=tree["a"],
        name="Trang A",
        url="https://www.facebook.com/cdcsa",
        url_key="https://www.facebook.com/cdcsa",
        admin_name="Nguyễn Văn A",
        admin_phone="+84912345678",
    )


def test_a_huge_follower_count_is_refused_and_the_stored_count_stays(api_client, admin, tree, page_a):
    FollowerSnapshot.objects.create(fanpage=page_a, day=date(2021, 5, 1), followers=120, source="hand")
    response = api_client(admin).post(
        f"/api/v1/fanpages/units/{tree['a'].pk}/followers",
        {"day": "2021-05-01", "followers": 10**12},
        content_type=JSON,
    )
    _refused(response, "followers")
    assert FollowerSnapshot.objects.get(fanpage=page_a, day=date(2021, 5, 1)).followers == 120


def test_an_address_python_cannot_split_is_refused_in_vietnamese(api_client, alice, tree, page_a):
    response = api_client(alice).post(
        f"/api/v1/fanpages/units/{tree['a'].pk}/posts", {"link": "http://["}, content_type=JSON
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "“http://[” không phải địa chỉ trang web."


def test_a_date_time_out_of_range_is_refused_and_one_without_offset_is_local(api_client, admin, tree):
    from loa.directives.tests.factories import fanpage_letter

    directive, _task = fanpage_letter(tree, by=admin, issue=False)
    client = api_client(admin)
    url = f"/api/v1/directives/{directive.pk}/tasks"
    message = _refused(
        client.post(url, {"title": "Cũ", "deadline": "1899-12-31T00:00:00"}, content_type=JSON), "deadline"
    )
    assert message == "Hãy nhập ngày trong khoảng từ 01/01/1900 đến 31/12/2100."
    response = client.post(url, {"title": "Mới", "deadline": "2021-05-31T00:00:00"}, content_type=JSON)
    assert response.json()["deadline"] == "2021-05-31T00:00:00+07:00"


def test_a_nul_in_a_search_is_removed_on_both_databases(api_client, admin, login, tree):
    # The NUL that PostgreSQL refuses is stripped from query strings and JSON bodies before
    # anything reads them (loa.core.controls.InputCleaningMiddleware): the API and the page answer.
    response = api_client(admin).get("/api/v1/units", {"q": "Cao\x00 Bằng"})
    assert response.status_code == 200 and response.json()["count"] >= 1
    assert api_client(admin).get("/api/v1/directives", {"q": "\x00"}).status_code == 200
    assert login(admin).get("/directives/", {"q": "\x00"}).status_code == 200
