"""Scores computed from the other areas' data: the measures read the rollups; a frozen year keeps its
results whatever changes afterwards; unfreezing needs an admin and a reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from loa.audit.models import AuditEntry
from loa.scoring import selectors, services
from loa.scoring.engine import score_year
from loa.scoring.models import Score

from .conftest import set_articles, set_likes, set_posting

pytestmark = pytest.mark.django_db


def test_the_measures_read_reports_posting_days_quotas_and_likes(scored, tree):
    score_year(scored)
    a = Score.objects.get(unit=tree["a"])
    b = Score.objects.get(unit=tree["b"])
    assert a.readings["F1"] == ["on_time", None] and b.readings["F1"] == ["missing", None]
    assert a.readings["F2"] == [300, 365]
    assert a.readings["T1"] == [5, 4] and a.readings["T2"] == [3, 2]
    assert a.readings["L1"] == [54, 60]
    assert a.readings["B1"] == [2, None]  # one news item and one article beyond the quota
    assert a.readings["B2"] == [1, None] and a.readings["B3"] == [2, None]
    assert a.points["F1"] == 15 and a.points["T1"] == 20 and a.points["L1"] == 15
    assert a.level_name == "Hoàn thành xuất sắc nhiệm vụ" and a.rank == 1
    assert b.level_name == "Không hoàn thành nhiệm vụ" and b.rank == 2
    assert sum(Decimal(str(p)) for p in a.points.values()) == a.total


def test_changing_data_after_a_freeze_does_not_change_the_frozen_results(scored, tree, admin, client):
    services.freeze(by=admin, rubric=scored)
    before = {s.unit_id: (s.total, s.level_name, s.points, s.readings) for s in Score.objects.all()}
    set_articles(tree["b"], news=(9, 4), articles=(9, 2), in_depth=3, exemplary=3)
    set_posting(tree["b"], 365)
    set_likes(tree["b"], 300)
    with pytest.raises(ValidationError):
        score_year(scored)
    with pytest.raises(ValidationError):
        services.adjust(
            by=admin, rubric=scored, unit=tree["b"], criterion=scored.criteria.get(code="F1"), points=15, reason="x"
        )
    after = {s.unit_id: (s.total, s.level_name, s.points, s.readings) for s in Score.objects.all()}
    assert after == before
    # The unit's page shows the frozen result, not the new data.
    _book, result, _bm, _r, _stored, live = selectors.unit_result(scored, tree["b"])
    assert not live and result.total == int(before[tree["b"].pk][0] * 100)
    client.force_login(admin)
    page = client.get(f"/scoring/2021/units/{tree['b'].pk}/").content.decode()
    assert str(before[tree["b"].pk][0]).replace(".00", "") in page


def test_unfreezing_needs_an_admin_and_a_reason_and_is_audited(scored, admin, alice):
    services.freeze(by=admin, rubric=scored)
    with pytest.raises(ValidationError):
        services.unfreeze(by=alice, rubric=scored, reason="Sai số liệu")
    with pytest.raises(ValidationError):
        services.unfreeze(by=admin, rubric=scored, reason="  ")
    services.unfreeze(by=admin, rubric=scored, reason="Phát hiện sai số liệu của một đơn vị")
    entry = AuditEntry.objects.get(action="scoring.year.unfrozen")
    assert entry.note == "Phát hiện sai số liệu của một đơn vị" and entry.actor == admin
    assert not scored.frozen


def test_an_adjustment_needs_a_reason_applies_on_top_and_is_audited(scored, tree, admin):
    criterion = scored.criteria.get(code="F1")
    with pytest.raises(ValidationError):
        services.adjust(by=admin, rubric=scored, unit=tree["b"], criterion=criterion, points=10, reason="")
    services.adjust(
        by=admin,
        rubric=scored,
        unit=tree["b"],
        criterion=criterion,
        points=Decimal("7.5"),
        reason="Báo cáo gửi qua Zalo đúng hạn, nhập muộn",
    )
    score = Score.objects.get(unit=tree["b"])
    assert score.points["F1"] == 7.5
    entry = AuditEntry.objects.get(action="scoring.adjustment.made")
    assert entry.note == "Báo cáo gửi qua Zalo đúng hạn, nhập muộn" and entry.after["points"] == "7.5"


def test_the_unit_page_says_what_is_missing_for_the_next_level(scored, tree):
    book, result, by_measure, _r, _s, _live = selectors.unit_result(scored, tree["b"])
    sentence = selectors.gap_sentence(book, result, by_measure)
    assert sentence and "Hoàn thành nhiệm vụ" in sentence and "thêm" in sentence.lower()


def test_a_new_year_starts_as_a_copy_of_last_years_rubric(scored, admin):
    new = services.rubric_create(by=admin, year=2022, unit=scored.unit, name="", copy_from=scored)
    assert list(new.criteria.values_list("code", "max_points", "params")) == list(
        scored.criteria.values_list("code", "max_points", "params")
    )
    assert new.levels.count() == 4 and new.copied_from == scored
    with pytest.raises(ValidationError):
        services.rubric_create(by=admin, year=2022, unit=scored.unit, name="x")
