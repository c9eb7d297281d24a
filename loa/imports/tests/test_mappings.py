import pytest
from django.core.exceptions import ValidationError

from loa.audit.models import AuditEntry
from loa.imports.columns import Column, Columns, Header, titles_key
from loa.imports.mappings import clean_mapping, mapping_remember, remembered_mappings

pytestmark = pytest.mark.django_db
COLUMNS = Columns("test.units", [Column("code", "Mã đơn vị", required=True), Column("name", "Tên đơn vị")])
TITLES = ["TT", "Ký hiệu", "Đơn vị"]
HEADER = Header(number=3, position=2, titles=TITLES, mapping={}, key=titles_key(TITLES))


def test_a_province_s_own_mapping_goes_before_everyone_s(admin, tree):
    mapping_remember(importer="test.units", header=HEADER, mapping={"kyhieu": "name"}, unit=None, by=admin)
    mapping_remember(importer="test.units", header=HEADER, mapping={"kyhieu": "code"}, unit=tree["province"], by=admin)
    assert remembered_mappings("test.units", unit=tree["province"]) == {HEADER.key: {"kyhieu": "code"}}
    assert remembered_mappings("test.units", unit=tree["upper"]) == {HEADER.key: {"kyhieu": "name"}}
    assert AuditEntry.objects.filter(action="import.mapping.remembered").count() == 2


def test_choosing_the_same_mapping_again_keeps_one_row_and_logs_nothing_new(admin, tree):
    for _ in range(2):
        mapping_remember(importer="test.units", header=HEADER, mapping={"kyhieu": "code"}, unit=None, by=admin)
    assert len(remembered_mappings("test.units", unit=None)) == 1
    assert AuditEntry.objects.filter(action="import.mapping.remembered").count() == 1


def test_a_choice_by_index_or_title_is_cleaned_into_title_keys():
    assert clean_mapping(COLUMNS, HEADER, {"0": "", "Ký hiệu": "code", "2": "name"}) == {
        "tt": "",
        "kyhieu": "code",
        "donvi": "name",
    }


@pytest.mark.parametrize("chosen", [{"1": "code", "2": "code"}, {"1": "colour"}, {"7": "code"}, {"Màu": "code"}])
def test_a_bad_choice_is_refused(chosen):
    with pytest.raises(ValidationError):
        clean_mapping(COLUMNS, HEADER, chosen)
