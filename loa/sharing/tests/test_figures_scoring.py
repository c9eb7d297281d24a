"""The sharing measures in the classification: the share rate (shared on time of the items asked in
the year) and the clicks the shares brought, each read for every scored unit at once, with the
unit's sharing page as evidence; the 2021 rubric weighs them as F3."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from loa.scoring import examples, measures
from loa.scoring.engine import score_year
from loa.scoring.models import Score
from loa.sharing import services, tally
from loa.sharing.models import Item, Share
from loa.units.models import Unit

YEAR = 2026
DAY = date(YEAR, 3, 2)


@pytest.fixture
def asked(tree):
    """Two items asked of A and B; A shared one on time and one 20 days late, B none; A's shares
    brought 12 readers."""
    items = []
    for n in range(2):
        item = services.item_create(
            by=None, unit=tree["province"], title=f"Tin {n}", url=f"https://a.vn/{n}", starts_on=DAY, ends_on=DAY
        )
        Item.objects.filter(pk=item.pk).update(asked_on=DAY)
        item.asked_on = DAY
        items.append(item)
    tally.record_asked(DAY, {tree["a"].path: 2, tree["b"].path: 2})
    at = timezone.make_aware(datetime(YEAR, 3, 2, 9))
    services.share_record(by=None, item=items[0], unit=tree["a"], kind=Share.Kind.DECLARED, at=at)
    late = timezone.make_aware(datetime(YEAR, 3, 22, 9))
    services.share_record(by=None, item=items[1], unit=tree["a"], kind=Share.Kind.DECLARED, at=late)
    tally.record_clicks({(tree["a"].path, DAY): 12})
    return items


def test_both_measures_read_every_scored_unit_in_one_query(tree, asked, django_assert_num_queries):
    run = measures.Run(year=YEAR, units=Unit.objects.filter(kind__is_grassroots=True))
    with django_assert_num_queries(1):
        rates = measures.get("share_rate").compute(run)
        clicks = measures.get("share_clicks").compute(run)
    assert rates == {tree["a"].pk: (1, 2), tree["b"].pk: (0, 2)}
    assert clicks == {tree["a"].pk: (12, None), tree["b"].pk: (0, None)}
    assert measures.get("share_rate").evidence(tree["a"], YEAR) == [
        ("Số liệu chia sẻ của đơn vị", f"/sharing/figures/unit/{tree['a'].pk}/?year={YEAR}")
    ]


def test_the_share_rate_works_in_a_score_with_its_evidence(tree, kinds, admin, asked, alice, login):
    from loa.units.services import unit_create

    c = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="Công đoàn cơ sở C")
    rubric = examples.letter_2021(by=admin, unit=tree["province"], year=YEAR, sharing=True)
    criteria = {x.code: x for x in rubric.criteria.all()}
    assert criteria["F3"].measure == "share_rate" and "chia sẻ thông tin chính thống" in criteria["F3"].name.lower()
    assert sum(x.max_points for x in criteria.values() if not x.is_bonus) == 100  # F2's 30 points shared
    score_year(rubric, today=date(YEAR, 12, 31))
    a, b, c_score = (Score.objects.get(rubric=rubric, unit=u) for u in (tree["a"], tree["b"], c))
    assert a.readings["F3"] == [1, 2] and b.readings["F3"] == [0, 2]
    assert 0 < a.points["F3"] < 10 and b.points["F3"] == 0
    assert c_score.points["F3"] == 10  # nothing was asked of C: nothing to lack
    page = login(alice).get(f"/scoring/{YEAR}/units/{tree['a'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chia sẻ thông tin chính thống" in text
    assert f"/sharing/figures/unit/{tree['a'].pk}/?year={YEAR}" in text
    assert "1 tin chưa chia sẻ đúng hạn" in text or "1 / 2" in text


def test_the_2021_rubric_without_sharing_is_unchanged(tree, admin):
    rubric = examples.letter_2021(by=admin, unit=tree["province"], year=2021)
    assert [c.code for c in rubric.criteria.all()][:3] == ["F1", "F2", "T1"]
    assert rubric.criteria.get(code="F2").max_points == 30
