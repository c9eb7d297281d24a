"""A province's own unit list, as it keeps it: a title block, its own column titles, no kind column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from loa.audit.models import AuditEntry
from loa.imports.models import ColumnMapping
from loa.jobs.models import Job
from loa.units.importing import import_units
from loa.units.models import Unit
from loa.units.tests.import_helpers import _cp1258

pytestmark = pytest.mark.django_db

TITLES = ["STT", "Mã", "Tên công đoàn cơ sở", "Đơn vị cấp trên"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def stored_cd_vc(tree):
    """The province stores its upper union's code with a plain D."""
    Unit.objects.filter(pk=tree["upper"].pk).update(code="CD-VC")
    return tree


def province_list(rows, titles=TITLES):
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet["A1"] = "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"
    sheet.merge_cells("A1:D1")
    sheet["A2"] = "DANH SÁCH CÔNG ĐOÀN CƠ SỞ"
    sheet.merge_cells("A2:D2")
    sheet.append([])
    sheet.append(titles)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CAO_BANG = [
    ["CS-M1", "Công đoàn cơ sở Trường Tiểu học Sông Hiến", "CĐ-VC"],
    ["CS-M2", "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh", "CĐ-VC"],  # Loa has it already, as CS-B
    ["CS-M3", "Công đoàn cơ sở Trường Mầm non Hoa Sen", "Công đoàn Viên chức tỉnh Cao Bằng"],
]


def upload(client, data, name="danh-sach.xlsx"):
    return client.post("/units/import/", {"file": SimpleUploadedFile(name, data)})


def test_a_province_list_with_a_title_block_and_its_own_titles_imports_after_one_choice(admin, stored_cd_vc, login):
    client = login(admin)
    upload(client, province_list(CAO_BANG))
    check = Job.objects.get()
    result = check.result
    assert result["error_count"] == 0 and result["header_row"] == 4 and result["created"] == 3
    assert result["inferred_kinds"] == 3 and not result["kind_column"]
    [same] = result["duplicates"]
    assert (same["row"], same["code"], same["existing"]["code"]) == (6, "CS-M2", "CS-B")
    page = client.get(f"/jobs/{check.pk}/").content.decode()
    assert "same-names" in page and f'name="same_CS-M2" value="{stored_cd_vc["b"].pk}"' in page

    client.post(f"/units/import/{check.pk}/commit/", {"same_CS-M2": str(stored_cd_vc["b"].pk)})
    commit = Job.objects.exclude(pk=check.pk).get()
    assert commit.result["committed"] and commit.result["error_count"] == 0
    upper = stored_cd_vc["upper"]
    m1, m3 = Unit.objects.get(code="CS-M1"), Unit.objects.get(code="CS-M3")
    assert m1.parent_id == m3.parent_id == upper.pk and m1.kind.code == m3.kind.code == "cdcs"
    b = Unit.objects.get(pk=stored_cd_vc["b"].pk)
    assert b.code == "CS-M2" and Unit.objects.filter(name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh").count() == 1
    assert AuditEntry.objects.filter(action="unit.code_taken", after={"code": "CS-M2"}).exists()


def test_a_different_unit_of_the_same_name_is_created_beside_it(admin, stored_cd_vc):
    outcome = import_units(province_list(CAO_BANG), by=admin, commit=True, same_unit={"CS-M2": 0})
    assert outcome.errors == [] and outcome.created == 3
    assert Unit.objects.filter(name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh").count() == 2


def test_nothing_is_imported_until_the_same_name_question_is_answered(admin, stored_cd_vc):
    outcome = import_units(province_list(CAO_BANG), by=admin, commit=True)
    assert [str(e) for e in outcome.errors] == [
        (
            "Row 6, column “Tên công đoàn cơ sở”: “Công đoàn cơ sở Bệnh viện Đa khoa tỉnh” is also the name of “Công đoàn cơ sở "
            "Bệnh viện Đa khoa tỉnh” (code CS-B) under the same parent: choose whether it is the same unit or a different one."
        )
    ]
    assert not Unit.objects.filter(code__startswith="CS-M").exists()


def test_a_commit_refused_for_an_unanswered_question_can_be_answered_again(admin, stored_cd_vc, login):
    client = login(admin)
    upload(client, province_list(CAO_BANG))
    check = Job.objects.get()
    client.post(f"/units/import/{check.pk}/commit/")  # no answer: the form's radios are required, a robot may skip them
    refused = Job.objects.latest("pk")
    assert refused.result["error_count"] == 1 and not refused.result["committed"]
    assert f"/jobs/{check.pk}/" in client.get(f"/jobs/{refused.pk}/").content.decode()
    client.post(f"/units/import/{check.pk}/commit/", {"same_CS-M2": "0"})
    assert Job.objects.latest("pk").result["committed"] and Unit.objects.filter(code__startswith="CS-M").count() == 3


def test_a_parent_that_matches_nothing_gets_a_suggestion(admin, stored_cd_vc):
    outcome = import_units(province_list([["CS-M1", "Trường Sông Hiến", "CD-VX"]]), by=admin, commit=False)
    assert [str(e) for e in outcome.errors] == [
        (
            "Row 5, column “Đơn vị cấp trên”: no unit has the code “CD-VX”, neither in the file nor in Loa. Did you mean "
            "“Công đoàn Viên chức tỉnh Cao Bằng” (code CD-VC)?"
        )
    ]


def test_a_chosen_default_kind_goes_before_the_parents_usual_one(admin, stored_cd_vc):
    outcome = import_units(province_list(CAO_BANG[:1]), by=admin, commit=True, default_kind="cd-cap-tren")
    assert outcome.errors == [] and Unit.objects.get(code="CS-M1").kind.code == "cd-cap-tren"


def test_a_new_parent_in_the_file_gives_its_children_the_standard_child_kind(admin, stored_cd_vc):
    rows = [["CD-YT", "Công đoàn ngành Y tế", "LDLD"], ["CS-Y1", "Trạm Y tế xã", "CD-YT"]]
    outcome = import_units(province_list(rows), by=admin, commit=True)
    assert outcome.errors == []
    # LDLD's children are all upper unions; an upper union's children are CĐCS.
    assert (
        Unit.objects.get(code="CD-YT").kind.code == "cd-cap-tren" and Unit.objects.get(code="CS-Y1").kind.code == "cdcs"
    )


def _csv(lines, encode):
    return (
        "\r\n".join(";".join(cells) for cells in lines).encode("utf-16-le")
        if encode == "utf-16-le"
        else encode("\r\n".join(";".join(cells) for cells in lines))
    )


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: b"".join(_cp1258(ch) for ch in text),
        lambda text: text.encode("utf-16"),
        "utf-16-le",
    ],
    ids=["cp1258", "utf-16 with BOM", "utf-16 without BOM"],
)
def test_a_csv_list_in_windows_or_unicode_encodings_imports(admin, stored_cd_vc, encode):
    lines = [
        ["DANH SÁCH CÔNG ĐOÀN CƠ SỞ", "", "", ""],
        ["", "", "", ""],
        TITLES,
        ["1", "CS-M1", "Công đoàn cơ sở Trường Tiểu học Sông Hiến", "CĐ-VC"],
    ]
    outcome = import_units(_csv(lines, encode), by=admin, commit=True, filename="ds.csv")
    assert outcome.errors == [] and outcome.header_row == 3
    assert Unit.objects.get(code="CS-M1").name == "Công đoàn cơ sở Trường Tiểu học Sông Hiến"


UNKNOWN_TITLES = ["TT", "Ký hiệu", "Đơn vị", "Thuộc"]


def test_unrecognised_titles_are_mapped_by_hand_and_remembered_for_the_next_file(admin, stored_cd_vc, login):
    client = login(admin)
    upload(client, province_list(CAO_BANG[:1], titles=UNKNOWN_TITLES))
    check = Job.objects.get()
    assert check.result["needs_mapping"] and check.result["created"] == 0
    page = client.get(f"/jobs/{check.pk}/").content.decode()
    assert "mapping-form" in page and 'name="col_1"' in page and ">Ký hiệu<" in page
    client.post(
        f"/units/import/{check.pk}/recheck/", {"col_0": "", "col_1": "code", "col_2": "name", "col_3": "parent_code"}
    )
    recheck = Job.objects.latest("pk")
    assert recheck.result["error_count"] == 0 and recheck.result["created"] == 1
    assert ColumnMapping.objects.get().unit == stored_cd_vc["province"]
    # The next file with the same titles is read with the same mapping, without a question.
    upload(client, province_list(CAO_BANG[:1], titles=UNKNOWN_TITLES))
    again = Job.objects.latest("pk")
    assert not again.result["needs_mapping"] and again.result["created"] == 1


def test_a_mapping_that_names_a_field_twice_is_refused_with_a_message(admin, stored_cd_vc, login):
    client = login(admin)
    upload(client, province_list(CAO_BANG[:1], titles=UNKNOWN_TITLES))
    check = Job.objects.get()
    response = client.post(f"/units/import/{check.pk}/recheck/", {"col_1": "code", "col_2": "code"}, follow=True)
    assert "được chọn cho hai cột của tệp" in response.content.decode()
    assert Job.objects.count() == 1 and not ColumnMapping.objects.exists()


def test_control_characters_in_cells_are_removed_and_huge_numbers_refused(admin, stored_cd_vc):
    lines = [["Mã", "Tên", "Cấp trên", "Số đoàn viên"], ["CS-M1", "Trường\x01 Sông\x0c Hiến", "CD-VC", "1" + "0" * 30]]
    data = "\n".join(",".join(cells) for cells in lines).encode()
    outcome = import_units(data, by=admin, commit=False)
    assert [str(e) for e in outcome.errors] == [
        "Row 2, column “Số đoàn viên”: the number 1000000000000000000000000000000 is too large (at most 2000000000)."
    ]
    lines[1][3] = "12"
    outcome = import_units("\n".join(",".join(cells) for cells in lines).encode(), by=admin, commit=True)
    assert outcome.errors == [] and Unit.objects.get(code="CS-M1").name == "Trường Sông Hiến"


def test_a_word_file_renamed_xlsx_is_refused_in_vietnamese(admin, stored_cd_vc, login):
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with translation.override("vi"):
        response = upload(login(admin), buffer.getvalue(), name="danh-sach.xlsx")
    assert response.status_code == 400 and "Tệp" in response.content.decode()
    assert not Job.objects.exists()


def test_an_outsider_cannot_read_or_use_anothers_check(admin, stored_cd_vc, manager_of_b, bob, login):
    upload(login(admin), province_list(CAO_BANG, titles=TITLES))
    check = Job.objects.get()
    client = login(manager_of_b)
    assert client.get(f"/jobs/{check.pk}/").status_code == 404
    assert client.post(f"/units/import/{check.pk}/commit/", {"same_CS-M2": "0"}).status_code == 404
    assert client.post(f"/units/import/{check.pk}/recheck/", {"col_1": "code"}).status_code == 404
    assert login(bob).get("/units/import/").status_code == 404
    assert Job.objects.count() == 1 and not Unit.objects.filter(code__startswith="CS-M").exists()
