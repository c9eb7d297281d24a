"""A full run writes only what changed: re-scoring unchanged data writes no row, a change rewrites the
rows whose result (or rank) changed, and the stored rows always equal a run from scratch."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loa.scoring import engine, services
from loa.scoring.engine import score_year
from loa.scoring.models import Score

from .conftest import set_posting

pytestmark = pytest.mark.django_db

# What scoring stores, with the unit first (the key); not when or from what (computed_at, digest).
FIELDS = ("unit_id", *(c for c in engine.COLUMNS if c not in ("unit_id", "year", "computed_at", "digest")))


def stored():
    return {row[0]: row for row in Score.objects.values_list(*FIELDS)}


def from_scratch(rubric):
    Score.objects.all().delete()
    score_year(rubric)
    return stored()


def score_writes(queries):
    return [
        q["sql"] for q in queries if "scoring_score" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_scoring_again_with_unchanged_data_writes_no_row(scored):
    score_year(scored)
    before = {s.pk: s.computed_at for s in Score.objects.all()}
    with CaptureQueriesContext(connection) as ctx:
        assert score_year(scored) == 2
    assert score_writes(ctx.captured_queries) == []
    assert {s.pk: s.computed_at for s in Score.objects.all()} == before


@pytest.mark.parametrize("share", [1.0, 0.0], ids=["updated in place", "deleted and written anew"])
def test_a_change_rewrites_only_the_units_whose_result_changed(scored, tree, monkeypatch, share):
    monkeypatch.setattr(engine, "REWRITE_SHARE", share)
    score_year(scored)
    a_before = Score.objects.get(unit=tree["a"])
    set_posting(tree["b"], 250)
    score_year(scored)
    a_after, b_after = Score.objects.get(unit=tree["a"]), Score.objects.get(unit=tree["b"])
    assert b_after.readings["F2"] == [250, 365]
    assert (a_after.pk, a_after.computed_at) == (a_before.pk, a_before.computed_at)
    assert b_after.computed_at > a_before.computed_at
    assert stored() == from_scratch(scored)


def test_a_unit_no_longer_scored_loses_its_row(scored, tree):
    score_year(scored)
    tree["b"].active_to = date(2020, 6, 30)
    tree["b"].save()
    assert score_year(scored) == 1
    assert list(Score.objects.values_list("unit_id", flat=True)) == [tree["a"].pk]


def test_a_unit_refreshed_alone_is_written_again_by_the_next_run(scored, tree, admin):
    score_year(scored)
    services.adjust(
        by=admin,
        rubric=scored,
        unit=tree["b"],
        criterion=scored.criteria.get(code="F1"),
        points=15,
        reason="Đã gửi qua Zalo",
    )
    refreshed = Score.objects.get(unit=tree["b"])
    assert refreshed.digest is None and refreshed.points["F1"] == 15
    score_year(scored)
    again = Score.objects.get(unit=tree["b"])
    assert again.digest is not None and again.points["F1"] == 15
    assert stored() == from_scratch(scored)
