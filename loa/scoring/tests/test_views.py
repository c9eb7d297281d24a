"""Every page: a permitted user succeeds, an outsider gets 404, an anonymous visitor the login page."""

import io

import pytest
from openpyxl import load_workbook

from loa.scoring.engine import score_year
from loa.scoring.models import Adjustment

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(scored):
    score_year(scored)
    return scored


def _urls(tree):
    a = tree["a"].pk
    return {
        "unit": f"/scoring/2021/units/{a}/",
        "sheet": f"/scoring/2021/units/{a}/sheet.pdf",
        "whatif": f"/scoring/2021/units/{a}/?whatif=1&w_article_quota=5",
    }


def test_an_officer_sees_the_score_evidence_and_what_is_missing(computed, tree, alice, login):
    page = login(alice).get(f"/scoring/2021/units/{tree['b'].pk}/")
    assert page.status_code == 404  # alice is not an officer of B
    page = login(alice).get(f"/scoring/2021/units/{tree['a'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hoàn thành xuất sắc nhiệm vụ" in text
    assert "/directives/tasks/" in text and f"/fanpages/unit/{tree['a'].pk}/?year=2021" in text
    assert f"/articles/progress/units/{tree['a'].pk}/?year=2021" in text


def test_the_unit_page_of_a_poor_year_says_what_is_missing_in_plain_words(computed, tree, bob, login):
    text = login(bob).get(f"/scoring/2021/units/{tree['b'].pk}/").content.decode()
    assert "để đạt mức “Hoàn thành nhiệm vụ”" in text and "thêm" in text.lower()


def test_what_if_recomputes_without_saving(computed, tree, bob, login, django_assert_max_num_queries):
    client = login(bob)
    before = computed.scores.get(unit=tree["b"]).total
    response = client.get(
        f"/scoring/2021/units/{tree['b'].pk}/?whatif=1&w_article_quota=2&w_news_quota=4&w_fanpage_report=on_time",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="whatif-result"' in text and "<html" not in text
    assert computed.scores.get(unit=tree["b"]).total == before


@pytest.mark.parametrize("name", ["unit", "sheet", "whatif"])
def test_unit_pages_answer_404_to_an_outsider_and_send_anonymous_visitors_to_log_in(
    computed, tree, alice, bob, login, client, name
):
    url = _urls(tree)[name]
    assert login(alice).get(url).status_code == 200
    assert login(bob).get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_score_sheet_is_a_pdf_with_the_units_criteria(computed, tree, alice, login, tmp_path):
    import subprocess

    response = login(alice).get(_urls(tree)["sheet"])
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "PHIẾU ĐIỂM" in text and "Trường THPT Thành phố Cao Bằng" in text and "Hoàn thành xuất sắc nhiệm vụ" in text


def test_the_ranking_lists_only_the_units_in_reach(
    computed, tree, admin, bob, login, client, django_assert_max_num_queries
):
    admin_client = login(admin)
    with django_assert_max_num_queries(20):
        text = admin_client.get("/scoring/2021/").content.decode()
    assert tree["a"].name in text and tree["b"].name in text and 'data-testid="distribution"' in text
    text = login(bob).get("/scoring/2021/").content.decode()
    assert tree["b"].name in text and tree["a"].name not in text
    client.logout()
    assert "/accounts/login/" in client.get("/scoring/2021/")["Location"]


def test_a_user_with_no_role_gets_404_on_the_year_pages(computed, login, db):
    from loa.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password="x-pass-for-tests")
    client = login(nobody)
    for url in (
        "/scoring/2021/",
        "/scoring/2021/rubric/",
        "/scoring/2021/ranking.xlsx",
        "/scoring/2021/announcement.docx",
        "/scoring/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_ranking_exports_to_excel_with_one_row_per_unit(computed, tree, admin, login):
    response = login(admin).get("/scoring/2021/ranking.xlsx?sort=-total")
    ws = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    units = [r[2] for r in rows if r and r[0] in (1, 2)]
    assert units == [tree["a"].name, tree["b"].name]


def test_the_announcement_lists_the_units_by_level(computed, tree, admin, login):
    import docx

    response = login(admin).get("/scoring/2021/announcement.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "THÔNG BÁO" in text and "Hoàn thành xuất sắc nhiệm vụ: 1 đơn vị" in text and tree["a"].name in text


def test_admin_pages_are_for_admins_only(computed, tree, admin, alice, login, client):
    urls = [
        f"/scoring/2021/units/{tree['a'].pk}/adjust/",
        "/scoring/2021/rubric/criteria/new/",
        "/scoring/2021/rubric/levels/new/",
        "/scoring/2021/unfreeze/",
        "/scoring/new/",
    ]
    for url in urls:
        assert login(alice).get(url).status_code == 404, url
    for url in urls[:3] + urls[4:]:
        assert login(admin).get(url).status_code == 200, url
    assert login(alice).post("/scoring/2021/freeze/").status_code == 404
    client.logout()
    assert "/accounts/login/" in client.get(urls[0])["Location"]


def test_the_admin_adjusts_a_criterion_with_a_reason_then_freezes(computed, tree, admin, login):
    client = login(admin)
    criterion = computed.criteria.get(code="L1")
    url = f"/scoring/2021/units/{tree['b'].pk}/adjust/"
    response = client.post(url, {"criterion": criterion.pk, "mode": "override", "points": "15", "reason": ""})
    assert "This field is required" in response.content.decode() or "Trường này" in response.content.decode()
    response = client.post(
        url, {"criterion": criterion.pk, "mode": "override", "points": "15", "reason": "Đã kiểm tra danh sách"}
    )
    assert response.status_code == 302
    assert Adjustment.objects.get().reason == "Đã kiểm tra danh sách"
    assert client.post("/scoring/2021/freeze/").status_code == 302
    computed.refresh_from_db()
    assert computed.frozen
    assert client.get(f"/scoring/2021/units/{tree['b'].pk}/").status_code == 200


def test_the_rubric_editor_adds_a_criterion_and_refuses_a_bad_one(computed, admin, login):
    client = login(admin)
    response = client.post(
        "/scoring/2021/rubric/criteria/new/",
        {
            "code": "X1",
            "name": "Thử",
            "group": "",
            "order": 9,
            "max_points": "5",
            "measure": "in_depth",
            "rule": "thresholds",
            "params": '{"steps": [[1, 9]]}',
        },
    )
    assert "điểm tối đa" in response.content.decode()
    response = client.post(
        "/scoring/2021/rubric/criteria/new/",
        {
            "code": "X1",
            "name": "Thử",
            "group": "",
            "order": 9,
            "max_points": "5",
            "measure": "in_depth",
            "rule": "proportional",
            "params": '{"target": 5}',
        },
    )
    assert response.status_code == 302 and computed.criteria.filter(code="X1").exists()


def test_the_ranking_pages_best_first_counting_once_with_its_level_distribution(
    computed, tree, admin, login, monkeypatch, django_assert_max_num_queries
):
    from loa.scoring import views

    monkeypatch.setattr(views, "RANKING_PAGE", 1)
    admin_client = login(admin)
    with django_assert_max_num_queries(20) as ctx:
        first = admin_client.get("/scoring/2021/").content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    second = admin_client.get("/scoring/2021/?page=2").content.decode()
    assert f'data-unit="{tree["a"].code}"' in first and f'data-unit="{tree["b"].code}"' not in first
    assert f'data-unit="{tree["b"].code}"' in second and f'data-unit="{tree["a"].code}"' not in second
    assert "2" in first.split('class="pager"')[1]  # page 1 of 2
    # Only the distribution's grouped count (no rubric last year): no COUNT for the pager.
    assert len(counts) == 1 and "GROUP BY" in counts[0].upper()
