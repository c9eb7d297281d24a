"""Items to share: who is asked (the audience), a share counted once, the tallies summed up the tree
and following a move."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from loa.sharing import selectors, services, tally
from loa.sharing.models import Share, Tally
from loa.units.services import unit_create, unit_move

DAY = date(2026, 12, 7)


def _item(tree, **kwargs):
    return services.item_create(
        by=None,
        unit=kwargs.pop("unit", tree["province"]),
        title="Nghị quyết Đại hội Công đoàn tỉnh",
        url="https://congdoancaobang.vn/tin/nghi-quyet",
        starts_on=DAY,
        ends_on=date(2026, 12, 10),
        **kwargs,
    )


def test_an_item_is_asked_of_the_curating_units_subtree_or_of_those_it_names(tree, kinds):
    whole = _item(tree)
    schools = _item(tree, kinds=[kinds["cdcs"]])
    just_b = _item(tree, units=[tree["b"]])
    mine = _item(tree, unit=tree["upper"])
    assert [i.pk for i in selectors.items_for(tree["a"], DAY)] == [mine.pk, schools.pk, whole.pk]
    assert {i.pk for i in selectors.items_for(tree["b"], DAY)} == {whole.pk, schools.pk, just_b.pk, mine.pk}
    assert [i.pk for i in selectors.items_for(tree["upper"], DAY)] == [mine.pk, whole.pk]
    assert selectors.items_for(tree["a"], date(2026, 12, 11)) == []  # over


def test_a_unit_outside_the_curating_unit_cannot_be_named(tree, other):
    with pytest.raises(ValidationError):
        _item(tree, unit=tree["upper"], units=[other["unit"]])


def test_the_last_day_cannot_come_before_the_first(tree):
    with pytest.raises(ValidationError):
        services.item_create(
            by=None, unit=tree["province"], title="T", url="https://a.vn/x", starts_on=DAY, ends_on=date(2026, 12, 1)
        )


def test_a_share_counts_once_for_the_unit_and_every_unit_above_it(tree):
    item = _item(tree)
    item.asked_on = DAY
    tally.record_asked(DAY, {tree["a"].path: 1, tree["b"].path: 1})
    services.share_record(by=None, item=item, unit=tree["a"], kind=Share.Kind.DECLARED)
    with pytest.raises(ValidationError, match="đã chia sẻ"):
        services.share_record(by=None, item=item, unit=tree["a"], kind=Share.Kind.DECLARED)
    rows = {t.unit_id: (t.asked, t.shared, t.declared) for t in Tally.objects.filter(month=date(2026, 12, 1))}
    assert rows == {
        tree["province"].pk: (2, 1, 1),
        tree["upper"].pk: (2, 1, 1),
        tree["a"].pk: (1, 1, 1),
        tree["b"].pk: (1, 0, 0),
    }
    assert Tally.objects.get(unit=tree["a"]).parent_unit_id == tree["upper"].pk


def test_the_tallies_follow_a_move(tree, kinds):
    new_union = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDGD", name="CĐ Giáo dục")
    tally.record_asked(DAY, {tree["a"].path: 3})
    unit_move(by=None, unit=tree["a"], new_parent=new_union)
    assert Tally.objects.get(unit=tree["upper"]).asked == 0
    assert Tally.objects.get(unit=new_union).asked == 3
    assert Tally.objects.get(unit=tree["province"]).asked == 3
    assert Tally.objects.get(unit=tree["a"]).parent_unit_id == new_union.pk
