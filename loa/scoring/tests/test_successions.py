"""Scores of the year of a merge or a split follow the rubric's rule (pro rata by days, or the
surviving unit keeps its own), with the evidence on the unit's page and in the API; the closed units
are not ranked on their own, so nothing counts twice.

A one-criterion rubric entered by hand keeps the figures easy to follow: CĐCS A gets 80 points, B 40,
set by adjustments before the restructuring; a unit created by it starts with nothing (0).
2021: 1 January to 30 June is 181 days, 1 July to 31 December 184, 1 October to 31 December 92.
"""

import re
from datetime import date
from decimal import Decimal

import pytest

from loa.audit.models import AuditEntry
from loa.core.tests.editing import form_values
from loa.scoring import services
from loa.scoring.engine import score_year
from loa.scoring.models import Rubric, Score
from loa.units import restructure
from loa.units.models import Unit, UnitSuccession

pytestmark = pytest.mark.django_db

YEAR = 2021
JULY = date(YEAR, 7, 1)
OCTOBER = date(YEAR, 10, 1)


@pytest.fixture
def rubric(tree, admin):
    rubric = services.rubric_create(by=admin, year=YEAR, unit=tree["province"], name="Đánh giá bằng tay")
    services.criterion_save(
        by=admin, rubric=rubric, code="M", name="Công tác chung", max_points=Decimal(100), rule="manual", params={}
    )
    services.level_save(by=admin, rubric=rubric, name="Tốt", min_total=Decimal(50))
    services.level_save(by=admin, rubric=rubric, name="Chưa đạt", min_total=Decimal(0))
    criterion = rubric.criteria.get()
    for unit, points in ((tree["a"], 80), (tree["b"], 40)):
        services.adjust(by=admin, rubric=rubric, unit=unit, criterion=criterion, points=points, reason="Theo biên bản")
    return rubric


def _rule(rubric, admin, rule):
    return services.rubric_update(by=admin, rubric=rubric, succession_rule=rule)


def _merge_into_new(tree, admin):
    restructure.merge(
        by=admin,
        sources=[tree["a"], tree["b"]],
        new_target={"code": "CS-AB", "name": "Công đoàn cơ sở Liên cơ quan"},
        on=JULY,
    )
    return Unit.objects.get(code="CS-AB")


def _ranked(year=YEAR):
    return dict(Score.objects.filter(year=year).values_list("unit__code", "total"))


def test_merge_and_split_leave_a_record_of_who_took_over_whom_and_a_dry_run_none(tree, admin, kinds):
    restructure.plan_merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)
    assert not UnitSuccession.objects.exists()

    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)
    merged = UnitSuccession.objects.get()
    assert (merged.source_id, merged.successor_id, merged.on, merged.kind) == (
        tree["a"].pk,
        tree["b"].pk,
        JULY,
        "merge",
    )

    b = Unit.objects.get(pk=tree["b"].pk)  # 360 members after the merge
    restructure.split(
        by=admin,
        source=b,
        on=OCTOBER,
        parts=[
            {"new": {"code": "CS-B1", "name": "Công đoàn cơ sở Khối Nội"}, "members_count": 240},
            {"new": {"code": "CS-B2", "name": "Công đoàn cơ sở Khối Ngoại"}, "members_count": 120},
        ],
    )
    shares = dict(UnitSuccession.objects.filter(kind="split").values_list("successor__code", "share"))
    assert shares == {"CS-B1": Decimal("0.6667"), "CS-B2": Decimal("0.3333")}


def test_pro_rata_a_new_unit_weighs_each_units_score_by_its_days_and_the_closed_ones_are_not_ranked(
    rubric, tree, admin
):
    merged = _merge_into_new(tree, admin)

    score_year(rubric)

    # (181 × 80 + 181 × 40 + 184 × 0) ÷ 546 = 39.78
    assert _ranked() == {"CS-AB": Decimal("39.78")}
    score = Score.objects.get(unit=merged, year=YEAR)
    assert score.rank == 1 and score.level_name == "Chưa đạt"
    parts = {p["code"]: (p["days"], p["total"], p["weight"], p["counted"]) for p in score.succession["parts"]}
    assert parts == {
        "CS-AB": (184, 0, 3370, True),
        "CS-A": (181, 8000, 3315, True),
        "CS-B": (181, 4000, 3315, True),
    }


def test_pro_rata_into_an_existing_unit_counts_its_whole_year(rubric, tree, admin):
    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)

    score_year(rubric)

    # (181 × 80 + 365 × 40) ÷ 546 = 53.26: B now reaches "Tốt".
    assert _ranked() == {"CS-B": Decimal("53.26")}
    assert Score.objects.get(unit=tree["b"], year=YEAR).level_name == "Tốt"


def test_the_surviving_unit_keeps_its_own_score_and_the_others_are_shown_not_counted(rubric, tree, admin):
    _rule(rubric, admin, "survivor")
    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)

    score_year(rubric)

    assert _ranked() == {"CS-B": Decimal("40.00")}
    parts = {p["code"]: (p["counted"], p["weight"]) for p in Score.objects.get(unit=tree["b"]).succession["parts"]}
    assert parts == {"CS-B": (True, 10000), "CS-A": (False, 0)}


def test_a_split_mid_year_gives_each_part_the_sources_days_before_the_split(rubric, tree, admin):
    restructure.split(
        by=admin,
        source=tree["a"],
        on=OCTOBER,
        parts=[
            {"new": {"code": "CS-A1", "name": "Công đoàn cơ sở Khối Một"}, "members_count": 40},
            {"new": {"code": "CS-A2", "name": "Công đoàn cơ sở Khối Hai"}, "members_count": 20},
        ],
    )

    score_year(rubric)

    # Each part: (273 × 80 + 92 × 0) ÷ 365 = 59.84; B, untouched, keeps its 40; A is not ranked.
    assert _ranked() == {"CS-A1": Decimal("59.84"), "CS-A2": Decimal("59.84"), "CS-B": Decimal("40.00")}
    part = next(p for p in Score.objects.get(unit__code="CS-A2").succession["parts"] if p["code"] == "CS-A")
    assert (part["relation"], part["days"], part["share"]) == ("split", 273, "0.3333")


def test_a_chain_counts_each_units_work_once(rubric, tree, admin):
    """A merged into B in July, B split in October: the parts carry A's days through B."""
    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)
    restructure.split(
        by=admin,
        source=Unit.objects.get(pk=tree["b"].pk),
        on=OCTOBER,
        parts=[
            {"new": {"code": "CS-B1", "name": "Công đoàn cơ sở Khối Nội"}},
            {"new": {"code": "CS-B2", "name": "Công đoàn cơ sở Khối Ngoại"}},
        ],
    )

    score_year(rubric)

    # B: (181 × 80 + 273 × 40) ÷ 454 = 55.95; each part: (273 × 55.95 + 92 × 0) ÷ 365 = 41.85.
    assert _ranked() == {"CS-B1": Decimal("41.85"), "CS-B2": Decimal("41.85")}


def test_the_successors_page_shows_the_evidence_in_vietnamese_and_live_equals_stored(rubric, tree, admin, login):
    merged = _merge_into_new(tree, admin)
    score_year(rubric)
    client = login(admin)

    page = client.get(f"/scoring/{YEAR}/units/{merged.pk}/").content.decode()

    assert re.search(r'data-testid="total"[^>]*>\s*39.78', page)  # live, as the year's run stored it
    assert Score.objects.get(unit=merged).total == Decimal("39.78")
    evidence = page.split('data-testid="succession"')[1]
    assert "Đơn vị sáp nhập, chia tách vào đơn vị này trong năm" in evidence
    assert "Theo tỷ lệ số ngày" in evidence and "theo số ngày mỗi đơn vị hoạt động trong năm" in evidence
    row_a = evidence.split('data-unit="CS-A"')[1].split("</tr>")[0]
    assert "sáp nhập vào đơn vị này từ 01/07/2021" in row_a
    assert "181" in row_a and "01/01/2021 – 30/06/2021" in row_a
    assert "80" in row_a and "M: 80" in row_a and "33.15 %" in row_a
    assert f'href="/scoring/{YEAR}/units/{tree["a"].pk}/"' in row_a  # the admin may open A's own page
    assert "33.7 %" in evidence.split('data-unit="CS-AB"')[1].split("</tr>")[0]
    assert 'data-testid="gap"' not in page  # a weighed score cannot say what this unit alone lacks

    # A's own page says where its work went, and still shows its own figures.
    page_a = client.get(f"/scoring/{YEAR}/units/{tree['a'].pk}/").content.decode()
    taken = page_a.split('data-testid="taken-over"')[1].split("</p>")[0]
    assert "Từ 01/07/2021" in taken and "Công đoàn cơ sở Liên cơ quan" in taken and "không được xếp hạng riêng" in taken


def test_a_frozen_year_shows_the_evidence_as_it_was_stored(rubric, tree, admin, login):
    merged = _merge_into_new(tree, admin)
    services.freeze(by=admin, rubric=rubric)
    UnitSuccession.objects.all().delete()  # nothing live could show the evidence any more

    page = login(admin).get(f"/scoring/{YEAR}/units/{merged.pk}/").content.decode()

    assert "Kết quả đã chốt" in page and re.search(r'data-testid="total"[^>]*>\s*39.78', page)
    assert '<tr data-unit="CS-A">' in page and "33.15 %" in page


def test_the_survivor_page_says_the_others_are_not_counted(rubric, tree, admin, login):
    _rule(rubric, admin, "survivor")
    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)

    page = login(admin).get(f"/scoring/{YEAR}/units/{tree['b'].pk}/").content.decode()

    evidence = page.split('data-testid="succession"')[1]
    assert "Đơn vị còn lại giữ điểm" in evidence and "được nêu để đối chiếu, không được tính" in evidence
    assert "không tính" in evidence.split('data-unit="CS-A"')[1].split("</tr>")[0]


def test_the_api_gives_the_rule_and_the_evidence(rubric, tree, admin, api_client):
    merged = _merge_into_new(tree, admin)
    api = api_client(admin)

    assert api.get(f"/api/v1/scoring/rubrics/{YEAR}").json()["succession_rule"] == "pro_rata"
    body = api.get(f"/api/v1/scoring/{YEAR}/units/{merged.pk}").json()

    assert body["total"] == "39.78"
    assert body["succession"]["rule"] == "pro_rata"
    parts = {p["code"]: p for p in body["succession"]["parts"]}
    assert (parts["CS-A"]["relation"], parts["CS-A"]["days"], parts["CS-A"]["weight_percent"]) == (
        "merge",
        181,
        "33.15 %",
    )
    assert parts["CS-A"]["relation_text"] == "sáp nhập vào đơn vị này từ 01/07/2021"
    assert parts["CS-AB"]["relation"] == "self" and body["missing_for_next_level"] is None
    body_a = api.get(f"/api/v1/scoring/{YEAR}/units/{tree['a'].pk}").json()
    assert body_a["succession"] is None and body_a["taken_over_by"] == [merged.pk]


def test_the_rule_is_changed_through_the_api_audited_and_a_bad_value_refused_in_vietnamese(rubric, admin, api_client):
    api = api_client(admin)
    version = api.get(f"/api/v1/scoring/rubrics/{YEAR}").json()["version"]

    refused = api.patch(
        f"/api/v1/scoring/rubrics/{YEAR}",
        {"succession_rule": "winner_takes_all", "version": version},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "Hãy chọn một trong các giá trị" in refused.json()["errors"]["succession_rule"][0]
    assert Rubric.objects.get(pk=rubric.pk).succession_rule == "pro_rata"

    done = api.patch(
        f"/api/v1/scoring/rubrics/{YEAR}",
        {"succession_rule": "survivor", "version": version},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["succession_rule"] == "survivor"
    entry = AuditEntry.objects.filter(action="scoring.rubric.changed").latest("id")
    assert (entry.before["succession_rule"], entry.after["succession_rule"]) == ("pro_rata", "survivor")


def test_the_rubric_page_edits_the_rule_and_refuses_an_unknown_one_in_vietnamese(rubric, admin, login):
    client = login(admin)
    url = f"/scoring/{YEAR}/rubric/"
    values = form_values(client.get(url))

    refused = client.post(url, {**values, "succession_rule": "<script>x</script>"})
    assert refused.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in refused.content.decode()
    assert Rubric.objects.get(pk=rubric.pk).succession_rule == "pro_rata"

    assert client.post(url, {**values, "succession_rule": "survivor"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Đơn vị còn lại giữ điểm" in page.split('data-testid="succession-rule"')[1].split("</p>")[0]


def test_the_service_refuses_an_unknown_rule_and_a_copied_rubric_keeps_it(rubric, tree, admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.rubric_update(by=admin, rubric=rubric, succession_rule="everything")
    assert "Chọn một trong các cách tính" in str(refused.value)
    rubric = _rule(rubric, admin, "survivor")
    copy = services.rubric_create(by=admin, year=YEAR + 1, unit=tree["province"], name="", copy_from=rubric)
    assert copy.succession_rule == "survivor"


def test_an_outsider_sees_neither_the_successors_page_nor_its_evidence(rubric, tree, admin, other, login, api_client):
    merged = _merge_into_new(tree, admin)
    outsider = other["admin"]

    assert login(outsider).get(f"/scoring/{YEAR}/units/{merged.pk}/").status_code == 404
    assert api_client(outsider).get(f"/api/v1/scoring/{YEAR}/units/{merged.pk}").status_code == 404


def test_the_ranking_with_successions_lists_each_unit_once_in_bounded_queries(
    rubric, tree, admin, kinds, login, django_assert_max_num_queries
):
    from loa.units.services import unit_create

    for i in range(4):  # more units, and more successions: the queries stay the same
        unit = unit_create(
            by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"CS-X{i}", name=f"Công đoàn cơ sở X{i}"
        )
        restructure.merge(by=admin, sources=[unit], target=tree["b"], on=date(YEAR, 2 + i, 1))
    _merge_into_new(tree, admin)
    score_year(rubric)
    client = login(admin)

    with django_assert_max_num_queries(20):
        page = client.get(f"/scoring/{YEAR}/").content.decode()
    assert re.findall(r'<tr data-unit="([^"]+)"', page) == ["CS-AB"]
    assert "tiếp nhận 2 đơn vị trong năm" in page.split('data-testid="succession-badge"')[1].split("</span>")[0]
    with django_assert_max_num_queries(20):
        body = client.get(f"/api/v1/scoring/{YEAR}/ranking").json()
    assert [row["unit_id"] for row in body["items"]] == [Unit.objects.get(code="CS-AB").pk]


def test_adjusting_a_merged_unit_refreshes_its_successor_and_never_ranks_it_again(rubric, tree, admin):
    merged = _merge_into_new(tree, admin)
    score_year(rubric)

    services.adjust(
        by=admin, rubric=rubric, unit=tree["a"], criterion=rubric.criteria.get(), points=62, reason="Biên bản bổ sung"
    )

    # (181 × 62 + 181 × 40 + 184 × 0) ÷ 546 = 33.81
    assert _ranked() == {"CS-AB": Decimal("33.81")}
    assert Score.objects.get(unit=merged).succession["parts"][1]["total"] == 6200


def test_the_successors_page_reads_a_chain_in_bounded_queries(
    rubric, tree, admin, kinds, login, django_assert_max_num_queries
):
    from loa.units.services import unit_create

    for i in range(4):
        unit = unit_create(
            by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"CS-X{i}", name=f"Công đoàn cơ sở X{i}"
        )
        restructure.merge(by=admin, sources=[unit], target=tree["b"], on=date(YEAR, 2 + i, 1))
    merged = _merge_into_new(tree, admin)
    client = login(admin)

    with django_assert_max_num_queries(20):
        page = client.get(f"/scoring/{YEAR}/units/{merged.pk}/").content.decode()
    # B brings the four units it took over: the page lists the units merged into this one.
    assert set(re.findall(r'<tr data-unit="(CS-[A-Z0-9]+)">', page.split('data-testid="succession"')[1])) == {
        "CS-AB",
        "CS-A",
        "CS-B",
    }


def test_a_year_frozen_before_the_merge_was_recorded_keeps_its_ranking(rubric, tree, admin, login):
    services.freeze(by=admin, rubric=rubric)
    merged = _merge_into_new(tree, admin)
    client = login(admin)

    assert _ranked() == {"CS-A": Decimal("80.00"), "CS-B": Decimal("40.00")}
    page_a = client.get(f"/scoring/{YEAR}/units/{tree['a'].pk}/").content.decode()
    assert 'data-testid="taken-over"' not in page_a and "Kết quả đã chốt" in page_a
    assert "không được xếp loại năm 2021" in client.get(f"/scoring/{YEAR}/units/{merged.pk}/").content.decode()


def test_merges_and_splits_recorded_before_successions_existed_are_read_back_from_the_audit(tree, admin):
    import importlib

    from django.apps import apps

    restructure.merge(by=admin, sources=[tree["a"]], target=tree["b"], on=JULY)
    restructure.split(
        by=admin,
        source=Unit.objects.get(pk=tree["b"].pk),
        on=OCTOBER,
        parts=[
            {"new": {"code": "CS-B1", "name": "Công đoàn cơ sở Khối Nội"}},
            {"new": {"code": "CS-B2", "name": "Công đoàn cơ sở Khối Ngoại"}},
        ],
    )
    recorded = set(UnitSuccession.objects.values_list("source_id", "successor_id", "on", "kind"))
    UnitSuccession.objects.all().delete()

    importlib.import_module("loa.units.migrations.0010_unitsuccession_backfill").backfill(apps, None)

    assert set(UnitSuccession.objects.values_list("source_id", "successor_id", "on", "kind")) == recorded
    assert len(recorded) == 3


def test_the_new_parents_admin_sees_the_predecessors_figures_as_evidence_but_not_its_own_page(
    rubric, tree, admin, other, login
):
    restructure.merge(
        by=admin,
        sources=[tree["a"]],
        new_target={"code": "CS-YA", "name": "Công đoàn cơ sở Y tế An", "parent": other["unit"]},
        on=JULY,
    )
    merged = Unit.objects.get(code="CS-YA")
    client = login(other["admin"])

    page = client.get(f"/scoring/{YEAR}/units/{merged.pk}/").content.decode()

    row_a = page.split('data-unit="CS-A"')[1].split("</tr>")[0]
    assert tree["a"].name in row_a and "M: 80" in row_a
    assert f"/scoring/{YEAR}/units/{tree['a'].pk}/" not in row_a  # not a link: A stays under its old union
    assert client.get(f"/scoring/{YEAR}/units/{tree['a'].pk}/").status_code == 404


def test_the_what_if_of_a_successor_goes_through_the_rule(scored_rubric, tree, admin, login):
    merged = _merge_into_new(tree, admin)

    response = login(admin).get(
        f"/scoring/{YEAR}/units/{merged.pk}/", {"whatif": "1", "w_posting_days": "184"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'data-testid="whatif-result"' in response.content.decode()


@pytest.fixture
def scored_rubric(tree, admin):
    """The letter's rubric, with real measures (a what-if has figures to change)."""
    from loa.scoring import examples

    return examples.letter_2021(by=admin, unit=tree["province"], year=YEAR)


def test_the_score_sheet_says_how_the_score_was_made(rubric, tree, admin, login, tmp_path):
    import subprocess

    merged = _merge_into_new(tree, admin)

    response = login(admin).get(f"/scoring/{YEAR}/units/{merged.pk}/sheet.pdf")

    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "điểm tính theo tỷ lệ số ngày hoạt động" in text
    assert "181 ngày, 80 điểm, trọng số 33.15 %" in text
