"""The standard unit kinds: created when missing, never changed when present."""

from loa.audit.models import AuditEntry
from loa.units.kind_services import kinds_ensure
from loa.units.kinds import STANDARD_CODES, STANDARD_KINDS
from loa.units.models import UnitKind


def test_an_empty_database_gets_every_standard_kind_in_order(db):
    ensured = kinds_ensure(by=None)
    assert list(UnitKind.objects.values_list("code", flat=True)) == list(STANDARD_CODES)
    assert [k.code for k in ensured.created] == list(STANDARD_CODES)
    assert UnitKind.objects.get(code="cdcs").is_grassroots
    assert UnitKind.objects.filter(is_grassroots=True).count() == 1
    assert UnitKind.objects.get(code="ldld-tinh").name == "Liên đoàn Lao động tỉnh, thành phố"
    assert AuditEntry.objects.filter(action="unit_kind.created", actor=None).count() == len(STANDARD_KINDS)


def test_a_second_run_creates_nothing(db):
    kinds_ensure(by=None)
    again = kinds_ensure(by=None)
    assert again.created == [] and set(again.by_code) == set(STANDARD_CODES)
    assert UnitKind.objects.count() == len(STANDARD_KINDS)


def test_an_existing_kind_keeps_its_name_order_and_retirement(kinds):
    from loa.units.kind_services import kind_retire

    kind_retire(by=None, kind=kinds["upper"])
    ensured = kinds_ensure(by=None)
    province = UnitKind.objects.get(code="ldld-tinh")
    assert province.name == "LĐLĐ tỉnh" and province.order == 1
    assert UnitKind.objects.get(code="cd-cap-tren").is_retired
    assert sorted(k.code for k in ensured.created) == ["cd-bo-phan", "cd-nganh", "tong-ldld"]
    assert ensured.by_code["cdcs"] == kinds["cdcs"]


def test_the_demo_and_the_synthetic_tree_use_the_standard_kinds():
    from loa.demo import cao_bang, synthetic

    assert not hasattr(cao_bang, "KINDS") and not hasattr(synthetic, "KINDS")
    used = {kind for _code, kind, *_rest in cao_bang.UPPERS} | {cao_bang.PROVINCE["kind"], "cdcs", "cd-bo-phan"}
    assert used <= set(STANDARD_CODES)
