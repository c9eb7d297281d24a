"""A number out of range never makes a scoring page a 500.

The finding: `max_points: 12345678.5` through the criteria API was saved on SQLite, after which every
scoring page and endpoint answered 500 for everyone, the repair page included (on PostgreSQL the
write itself was a 500). Now the write is refused in Vietnamese; and a damaged value already stored
(12345678.5 in a DecimalField(6, 2) on SQLite, NaN on PostgreSQL, written here with raw SQL) is shown
as invalid, left out of the totals with a visible warning, and the repair page opens to fix it."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from loa.scoring import services
from loa.scoring.engine import score_year
from loa.scoring.models import Adjustment, Criterion, Level, Rubric, Score

pytestmark = pytest.mark.django_db


def _damage(table, column, pk):
    """What each database can hold beyond a DecimalField(6, 2): SQLite any number, PostgreSQL a NaN."""
    value = "'NaN'" if connection.vendor == "postgresql" else "12345678.5"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {value} WHERE id = %s", [pk])


def _pages(tree, rubric):
    a = tree["a"].pk
    criterion, level = rubric.criteria.get(code="F2"), rubric.levels.first()
    return [
        "/scoring/",
        "/scoring/2021/",
        "/scoring/2021/ranking.xlsx",
        "/scoring/2021/ranking.csv",
        "/scoring/2021/announcement.docx",
        "/scoring/2021/announcement.pdf",
        f"/scoring/2021/units/{a}/",
        f"/scoring/2021/units/{a}/?whatif=1&w_article_quota={'9' * 400}&w_news_quota=-5",
        f"/scoring/2021/units/{a}/sheet.pdf",
        f"/scoring/2021/units/{a}/adjust/",
        "/scoring/2021/rubric/",
        f"/scoring/2021/rubric/criteria/{criterion.pk}/",
        f"/scoring/2021/rubric/levels/{level.pk}/",
        "/api/v1/scoring/rubrics",
        "/api/v1/scoring/rubrics/2021",
        f"/api/v1/scoring/2021/units/{a}",
        "/api/v1/scoring/2021/ranking",
    ]


def _every_page_opens(client, tree, rubric):
    for url in _pages(tree, rubric):
        assert client.get(url).status_code == 200, url


# --- The finding, through the API -------------------------------------------------------------


def test_a_maximum_beyond_its_column_through_the_api_is_refused_and_every_page_still_opens(
    scored, tree, admin, api_client
):
    score_year(scored)
    client = api_client(admin)
    with translation.override("vi"):
        response = client.post(
            "/api/v1/scoring/rubrics/2021/criteria",
            json.dumps({"code": "X1", "name": "Tiêu chí thử", "max_points": 12345678.5, "rule": "manual"}),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="vi",
        )
    assert response.status_code == 422
    # The API's points type (6 digits, 2 decimals) refuses it before the service's range check.
    assert response.json()["errors"] == {
        "max_points": ["Hãy nhập một số có tối đa 6 chữ số, trong đó 2 chữ số sau dấu thập phân."]
    }
    assert not Criterion.objects.filter(code="X1").exists()
    client.force_login(admin)
    _every_page_opens(client, tree, scored)


# --- A damaged value already stored -------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "row"),
    [
        ("scoring_criterion", "max_points", lambda r: r.criteria.get(code="F2").pk),
        ("scoring_level", "min_total", lambda r: r.levels.get(name="Hoàn thành tốt nhiệm vụ").pk),
        ("scoring_level", "min_share_each", lambda r: r.levels.get(name="Hoàn thành xuất sắc nhiệm vụ").pk),
        ("scoring_rubric", "total_points", lambda r: r.pk),
        ("scoring_rubric", "bonus_cap", lambda r: r.pk),
    ],
    ids=["criterion maximum", "level minimum", "level share", "rubric total", "bonus cap"],
)
def test_every_scoring_page_opens_with_a_damaged_number_stored_and_says_so(
    scored, tree, admin, login, table, column, row
):
    score_year(scored)
    _damage(table, column, row(scored))
    client = login(admin)
    _every_page_opens(client, tree, scored)
    for url in ("/scoring/2021/", f"/scoring/2021/units/{tree['a'].pk}/"):
        assert 'data-testid="problems"' in client.get(url).content.decode(), url
    rubric_page = client.get("/scoring/2021/rubric/").content.decode()
    assert 'data-testid="problems"' in rubric_page and "không hợp lệ" in rubric_page


def test_a_damaged_maximum_counts_for_nothing_and_is_shown_as_invalid(scored, tree, alice, login):
    before = _total(login(alice), tree)
    _damage("scoring_criterion", "max_points", scored.criteria.get(code="F2").pk)
    page = login(alice).get(f"/scoring/2021/units/{tree['a'].pk}/").content.decode()
    assert "Tiêu chí F2" in page and "không hợp lệ" in page
    assert _total(login(alice), tree) == before - 30  # F2 gave A its 30 points


def _total(client, tree):
    return Decimal(client.get(f"/api/v1/scoring/2021/units/{tree['a'].pk}").json()["total"])


def test_the_repair_page_opens_empty_and_a_valid_maximum_repairs_the_criterion(scored, tree, admin, login):
    criterion = scored.criteria.get(code="F2")
    _damage("scoring_criterion", "max_points", criterion.pk)
    client = login(admin)
    page = client.get(f"/scoring/2021/rubric/criteria/{criterion.pk}/").content.decode()
    assert 'name="max_points"' in page and "NaN" not in page
    response = client.post(
        f"/scoring/2021/rubric/criteria/{criterion.pk}/",
        {
            "code": "F2",
            "name": criterion.name,
            "group": criterion.group,
            "order": 2,
            "max_points": "30",
            "measure": criterion.measure,
            "rule": criterion.rule,
            "params": json.dumps(criterion.params),
            "version": criterion.version,
        },
    )
    assert response.status_code == 302
    assert Criterion.objects.get(pk=criterion.pk).max_points == 30
    assert 'data-testid="problems"' not in client.get("/scoring/2021/").content.decode()


def test_a_damaged_adjustment_is_left_out_and_shown_as_invalid(scored, tree, admin, login):
    criterion = scored.criteria.get(code="F2")
    services.adjust(
        by=admin, rubric=scored, unit=tree["a"], criterion=criterion, points=Decimal(5), reason="Kiểm tra lại"
    )
    _damage("scoring_adjustment", "points", Adjustment.objects.get().pk)
    client = login(admin)
    _every_page_opens(client, tree, scored)
    assert "không hợp lệ" in client.get(f"/scoring/2021/units/{tree['a'].pk}/adjust/").content.decode()


def test_a_frozen_years_damaged_stored_total_is_shown_as_invalid_in_every_file(scored, tree, admin, login):
    services.freeze(by=admin, rubric=scored)
    _damage("scoring_score", "total", Score.objects.get(unit=tree["a"]).pk)
    client = login(admin)
    _every_page_opens(client, tree, Rubric.objects.get(pk=scored.pk))
    assert "không hợp lệ" in client.get(f"/scoring/2021/units/{tree['a'].pk}/").content.decode()
    xlsx = b"".join(client.get("/scoring/2021/ranking.xlsx").streaming_content)
    assert any("không hợp lệ" in row for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    announcement = Document(io.BytesIO(client.get("/scoring/2021/announcement.docx").content))
    assert any("không hợp lệ" in p.text for p in announcement.paragraphs)


# --- Services refuse what their columns cannot hold ---------------------------------------------


@pytest.mark.parametrize(
    ("write", "field"),
    [
        (
            lambda r, by, u: services.criterion_save(
                by=by, rubric=r, criterion=r.criteria.get(code="F2"), max_points=Decimal("NaN")
            ),
            "max_points",
        ),
        (
            lambda r, by, u: services.criterion_save(by=by, rubric=r, criterion=r.criteria.get(code="F2"), order=40000),
            "order",
        ),
        (
            lambda r, by, u: services.criterion_save(
                by=by, rubric=r, criterion=r.criteria.get(code="F2"), params={"target": float("nan")}
            ),
            "params",
        ),
        (lambda r, by, u: services.level_save(by=by, rubric=r, name="Tốt", min_total=Decimal("1e6")), "min_total"),
        (
            lambda r, by, u: services.level_save(
                by=by, rubric=r, name="Tốt", min_total=Decimal(50), min_share_each=Decimal("Infinity")
            ),
            "min_share_each",
        ),
        (lambda r, by, u: services.rubric_update(by=by, rubric=r, bonus_cap=Decimal(123456)), "bonus_cap"),
        (lambda r, by, u: services.rubric_update(by=by, rubric=r, group_caps={"Lượt Thích": "NaN"}), "group_caps"),
        (
            lambda r, by, u: services.adjust(
                by=by, rubric=r, unit=u, criterion=r.criteria.get(code="F2"), points="NaN", reason="Thử"
            ),
            "points",
        ),
    ],
    ids=[
        "NaN maximum",
        "order",
        "NaN target",
        "level minimum",
        "infinite share",
        "bonus cap",
        "group cap",
        "NaN adjustment",
    ],
)
def test_a_scoring_service_refuses_a_number_its_column_cannot_hold(scored, tree, admin, write, field):
    before = (
        [(c.max_points, c.order, c.params) for c in Criterion.objects.all()],
        list(Level.objects.values_list("min_total")),
    )
    with pytest.raises(ValidationError) as refused:
        write(scored, admin, tree["a"])
    assert field in refused.value.message_dict
    assert (
        [(c.max_points, c.order, c.params) for c in Criterion.objects.all()],
        list(Level.objects.values_list("min_total")),
    ) == before


def test_criteria_whose_maxima_add_up_beyond_a_total_are_refused(scored, admin):
    for code in ("Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Y8", "Y9"):  # with the letter's 110 points: 90,101
        services.criterion_save(by=admin, rubric=scored, code=code, name=code, max_points=Decimal(9999), rule="manual")
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.criterion_save(
            by=admin, rubric=scored, code="Y10", name="Y10", max_points=Decimal(9999), rule="manual"
        )
    assert "max_points" in refused.value.message_dict
