"""Returned forms recorded as units send them: the five columns of the official form and nothing more.

Each test builds the files a unit would really send (title rows, merged cells, text without accents,
phones written every way), uploads them as an admin would and checks what is recorded after nothing
more than ticking "Accept".
"""

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from loa.directives import imports
from loa.directives.models import Assignment, Report, ReportVersion
from loa.directives.tests.factories import HCM, fanpage_letter
from loa.fanpages.models import Fanpage
from loa.units.services import unit_create

SEED_HEADER = [
    "Stt",
    "Tên Trang Fanpage\n(Ví dụ: Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng)",
    "Người quản trị",
    "Số điện thoại người quản trị",
    "Ghi chú",
]
ARRIVED = datetime(2021, 4, 28, 9, 30, tzinfo=HCM)  # the e-mails' time, before the deadline
PLAIN_HEADER = ["STT", "TEN TRANG FANPAGE", "NGUOI QUAN TRI", "SO DIEN THOAI NGUOI QUAN TRI", "GHI CHU"]


def xlsx(unit_line, row, header=SEED_HEADER, number_phone=None):
    """The official form in Excel: the unit's line and a title merged across, the header, one row."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = unit_line
    sheet.merge_cells("A1:E1")
    sheet["A3"] = "BIỂU MẪU BÁO CÁO"
    sheet.merge_cells("A3:E3")
    sheet["A4"] = "Kết quả thành lập Trang Fanpage Công đoàn cơ sở"
    sheet.merge_cells("A4:E4")
    sheet.append([])
    sheet.append(header)
    sheet.append(["1", *row])
    if number_phone is not None:
        sheet.cell(row=sheet.max_row, column=4).value = number_phone  # typed into a number cell
    sheet.append([])
    sheet.append(["", "", "", "TM. BAN CHẤP HÀNH"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(unit_line, row):
    document = Document()
    document.add_paragraph(unit_line)
    document.add_paragraph("BIỂU MẪU BÁO CÁO")
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(table.rows[0].cells, SEED_HEADER):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["01", *row]):
        cell.text = text
    document.add_paragraph("TM. BAN CHẤP HÀNH")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def units(tree, kinds):
    made = {"CS-A": tree["a"], "CS-B": tree["b"]}
    for code, name in {
        "CS-C": "Công đoàn cơ sở Trường THCS Thành phố Cao Bằng",
        "CS-G": "Công đoàn cơ sở Trường Mầm non Hòa An",
        "CS-K": "Công đoàn cơ sở Trường Tiểu học Hòa An",
        "CS-M": "Công đoàn cơ sở Trường Tiểu học Hòa An số 2",
        "CS-T": "Công đoàn cơ sở Trung tâm Y tế huyện Trùng Khánh",
    }.items():
        made[code] = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=code, name=name)
    return made


@pytest.fixture
def task(units, tree, admin):
    return fanpage_letter(tree, by=admin, recipients=list(units.values()))[1]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(task, admin, files):
    batch = imports.batch_create(
        by=admin, task=task, uploads=[SimpleUploadedFile(n, c) for n, c in files.items()], arrived_at=ARRIVED
    )
    imports.read_files(batch)
    return batch, {f.name: f for f in batch.files.select_related("unit")}


def accept_all(admin, batch):
    for f in batch.files.all():
        imports.file_update(by=admin, record=f, accepted=True)
    return {f.name: f for f in imports.batch_commit(by=admin, batch=batch)}


def report(unit):
    return Report.objects.get(assignment__unit=unit).data


def test_every_good_form_is_recorded_with_nothing_but_accept(task, admin, units):
    batch, files = upload(
        task,
        admin,
        {
            # Without accents, a dotted phone, no address anywhere: the five columns are enough.
            "bao cao.xlsx": xlsx(
                "CONG DOAN CO SO TRUONG THCS THANH PHO CAO BANG",
                ["Cong doan Truong THCS TP Cao Bang", "Hoang Thi Lan", "0912.345.678", ""],
                header=PLAIN_HEADER,
            ),
            # An international number, in Word.
            "BC.docx": docx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN",
                ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "+84 978 123 456", ""],
            ),
            # Two numbers in one cell, one of them an old 11-digit mobile.
            "tieu hoc.xlsx": xlsx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG TIỂU HỌC HÒA AN",
                ["CĐCS Tiểu học Hòa An", "Lý Văn Minh", "0168 123 4567 - 0206 3852 123", ""],
            ),
            # The address written in the name column, and the phone typed into a number cell.
            "ttyt.xlsx": xlsx(
                "CÔNG ĐOÀN CƠ SỞ TRUNG TÂM Y TẾ HUYỆN TRÙNG KHÁNH",
                [
                    "Công đoàn TTYT Trùng Khánh (https://m.facebook.com/cdttyt.trungkhanh/?ref=bookmarks)",
                    "Đàm Thị Yến",
                    "",
                    "",
                ],
                number_phone=912345679,
            ),
        },
    )
    assert {name: f.unit.code for name, f in files.items()} == {
        "bao cao.xlsx": "CS-C",
        "BC.docx": "CS-G",
        "tieu hoc.xlsx": "CS-K",
        "ttyt.xlsx": "CS-T",
    }
    assert all(f.problems == [] for f in files.values()), {n: f.problems for n, f in files.items()}
    # The preview shows the values as they will be stored.
    assert files["bao cao.xlsx"].data["admin_phone"] == "0912 345 678"
    assert files["BC.docx"].data["admin_phone"] == "0978 123 456"
    assert (files["tieu hoc.xlsx"].data["admin_phone"], files["tieu hoc.xlsx"].data["other_phones"]) == (
        "0381 234 567",
        "0206 3852 123",
    )
    assert files["ttyt.xlsx"].data["admin_phone"] == "0912 345 679"
    outcomes = accept_all(admin, batch)
    assert {n: f.outcome for n, f in outcomes.items()} == dict.fromkeys(files, "recorded")
    assert report(units["CS-C"])["url"] == "" and report(units["CS-C"])["admin_phone"] == "+84912345678"
    assert report(units["CS-G"])["admin_phone"] == "+84978123456"
    assert (report(units["CS-K"])["admin_phone"], report(units["CS-K"])["other_phones"]) == (
        "+84381234567",
        "+842063852123",
    )
    assert report(units["CS-T"])["url"] == "https://www.facebook.com/cdttyt.trungkhanh"
    assert report(units["CS-T"])["name"] == "Công đoàn TTYT Trùng Khánh"
    # A report without its address counts as filed, on time.
    assert Assignment.objects.get(task=task, unit=units["CS-C"]).state == "on_time"
    assert Fanpage.objects.get(unit=units["CS-C"]).url == ""


def test_a_form_without_the_address_says_so_softly(task, admin, units):
    _batch, files = upload(
        task,
        admin,
        {
            "x.xlsx": xlsx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", ""]
            )
        },
    )
    problems, notices = imports.assess(files["x.xlsx"].batch)[files["x.xlsx"].pk]
    assert problems == []
    assert any(n.startswith("Chưa có địa chỉ Trang") for n in notices)


def test_a_note_only_row_is_recorded_as_no_page_yet(task, admin, units):
    batch, files = upload(
        task,
        admin,
        {
            "mam non.xlsx": xlsx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["", "", "", "Đang xây dựng Trang, dự kiến xong tháng 5"]
            )
        },
    )
    f = files["mam non.xlsx"]
    assert f.data["no_page"] is True and f.data["note"] == "Đang xây dựng Trang, dự kiến xong tháng 5"
    assert f.problems == []
    accept_all(admin, batch)
    assert report(units["CS-G"]) == {
        "name": "",
        "url": "",
        "admin_name": "",
        "admin_phone": "",
        "note": "Đang xây dựng Trang, dự kiến xong tháng 5",
        "no_page": True,
    }
    assert not Fanpage.objects.filter(unit=units["CS-G"]).exists()
    assert Assignment.objects.get(task=task, unit=units["CS-G"]).state == "on_time"


def test_a_file_named_after_the_unit_is_matched_by_its_name(task, admin, units):
    _batch, files = upload(
        task,
        admin,
        {"BC Fanpage THCS TP Cao Bang.xlsx": xlsx("", ["Trang của công đoàn", "Hoàng Thị Lan", "0912345678", ""])},
    )
    f = files["BC Fanpage THCS TP Cao Bang.xlsx"]
    assert f.unit == units["CS-C"] and f.match["method"] == "file_name"


def test_the_slug_of_the_address_matches_the_unit(task, admin, units):
    _batch, files = upload(
        task,
        admin,
        {"baocao.xlsx": xlsx("", ["Trang của công đoàn", "Hoàng Thị Lan", "0912345678", "fb.com/cdcs.thcs.tpcaobang"])},
    )
    f = files["baocao.xlsx"]
    assert f.unit == units["CS-C"] and f.match["method"] == "slug"
    assert f.data["url"] == "fb.com/cdcs.thcs.tpcaobang"


def test_a_form_naming_the_registered_page_is_matched_to_it_and_keeps_its_address(task, admin, units):
    from loa.fanpages.services import register_page

    register_page(
        by=admin,
        unit=units["CS-G"],
        source="admin",
        data={
            "name": "Tiếng nói Mầm non",
            "url": "fb.com/tiengnoi.mamnon",
            "admin_name": "Nông Thị Hoa",
            "admin_phone": "0978123456",
        },
    )
    batch, files = upload(
        task, admin, {"scan.xlsx": xlsx("", ["Tiếng nói Mầm non", "Nông Thị Hoa", "0978 123 456", ""])}
    )
    f = files["scan.xlsx"]
    assert f.unit == units["CS-G"] and f.match["method"] == "page"
    assert f.data["url"] == "https://www.facebook.com/tiengnoi.mamnon" and f.problems == []
    accept_all(admin, batch)
    assert report(units["CS-G"])["url"] == "https://www.facebook.com/tiengnoi.mamnon"


def test_an_uncertain_match_offers_candidates_with_their_codes(task, admin, units, login):
    batch, files = upload(
        task,
        admin,
        {"bc.xlsx": xlsx("", ["Công đoàn Tiểu học", "Lý Văn Minh", "0912345678", "Mã đơn vị: CS-K hoặc CS-M?"])},
    )
    f = files["bc.xlsx"]
    assert f.unit is None and [p["code"] for p in f.problems] == ["ambiguous"]
    page = login(admin).get(reverse("directives:import_batch", args=[task.pk, batch.pk])).content.decode()
    assert "CS-K" in page and "CS-M" in page


def test_a_bad_file_is_refused_and_the_rest_of_the_batch_is_recorded(task, admin, units):
    batch, files = upload(
        task,
        admin,
        {
            "bao cao.xlsx": b"This is a letter, not a spreadsheet.\n" * 20,
            "empty.xlsx": b"",
            "BC.docx": docx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", ""]
            ),
        },
    )
    refused = files["bao cao.xlsx"]
    assert [p["code"] for p in refused.problems] == ["refused"]
    assert "bao cao.xlsx" in refused.problems[0]["message"] or refused.problems[0]["message"]
    outcomes = accept_all(admin, batch)
    assert outcomes["BC.docx"].outcome == "recorded"
    assert outcomes["bao cao.xlsx"].outcome == "failed"
    assert Report.objects.filter(assignment__task=task).count() == 1


def test_reuploads_say_what_happened_to_each_file(task, admin, units):
    good = xlsx("CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", ""])
    other = xlsx("CÔNG ĐOÀN CƠ SỞ TRƯỜNG TIỂU HỌC HÒA AN", ["CĐCS Tiểu học Hòa An", "Lý Văn Minh", "0912345678", ""])
    first, _files = upload(task, admin, {"mam non.xlsx": good, "tieu hoc.xlsx": other})
    imports.file_update(by=admin, record=first.files.get(name="mam non.xlsx"), accepted=True)
    imports.batch_commit(by=admin, batch=first)  # the primary school's file is left unrecorded
    changed = xlsx(
        "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN",
        ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", "Đã mời 40 đoàn viên"],
    )
    second, files = upload(task, admin, {"mam non.xlsx": good, "tieu hoc.xlsx": other, "mam non moi.xlsx": changed})
    story = imports.history(second, list(files.values()))
    assert {files[n].pk: story[files[n].pk]["code"] for n in files} == {
        files["mam non.xlsx"].pk: "recorded_before",
        files["tieu hoc.xlsx"].pk: "never_recorded",
        files["mam non moi.xlsx"].pk: "changed",
    }
    checks = imports.assess(second)
    assert any(n.startswith("Đã ghi nhận trước đó") for n in checks[files["mam non.xlsx"].pk][1])
    assert any(n.startswith("Chưa từng được ghi nhận") for n in checks[files["tieu hoc.xlsx"].pk][1])
    assert any(n.startswith("Đã thay đổi từ lần trước") for n in checks[files["mam non moi.xlsx"].pk][1])
    imports.file_update(by=admin, record=files["mam non.xlsx"], accepted=True)
    imports.batch_commit(by=admin, batch=second)
    assert ReportVersion.objects.filter(report__assignment__unit=units["CS-G"]).count() == 1  # nothing new
    imports.file_update(by=admin, record=files["mam non moi.xlsx"], accepted=True)
    imports.batch_commit(by=admin, batch=second)
    assert ReportVersion.objects.filter(report__assignment__unit=units["CS-G"]).count() == 2  # the note changed


def test_the_same_values_in_a_new_file_add_no_version(task, admin, units):
    row = ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", ""]
    first, _ = upload(task, admin, {"a.xlsx": xlsx("CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", row)})
    accept_all(admin, first)
    second, _files = upload(task, admin, {"b.docx": docx("CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", row)})
    outcomes = accept_all(admin, second)
    assert outcomes["b.docx"].outcome == "duplicate"
    assert ReportVersion.objects.filter(report__assignment__unit=units["CS-G"]).count() == 1


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_loas_own_prefilled_form_imports_back_without_an_edit(task, admin, units, login, fmt):
    from loa.fanpages.services import register_page

    register_page(
        by=admin,
        unit=units["CS-K"],
        source="admin",
        data={
            "name": "Công đoàn Tiểu học Hòa An",
            "admin_name": "Lý Văn Minh",
            "admin_phone": "0912345678; 0206 3852 123",
        },
    )
    client = login(admin)
    response = client.get(reverse("directives:unit_form", args=[task.pk, units["CS-K"].pk, fmt]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    batch, files = upload(task, admin, {f"form.{fmt}": content})
    f = files[f"form.{fmt}"]
    assert f.unit == units["CS-K"] and f.problems == [], f.problems
    accept_all(admin, batch)
    data = report(units["CS-K"])
    assert (data["name"], data["admin_name"], data["admin_phone"], data["other_phones"]) == (
        "Công đoàn Tiểu học Hòa An",
        "Lý Văn Minh",
        "+84912345678",
        "+842063852123",
    )


def test_an_outsider_cannot_open_a_units_form(task, units, bob, login):
    response = login(bob).get(reverse("directives:unit_form", args=[task.pk, units["CS-K"].pk, "xlsx"]))
    assert response.status_code == 404


def test_tracking_and_exports_show_reports_without_a_page_or_its_address_apart(task, admin, units, login):
    from openpyxl import load_workbook

    from loa.directives.services import report_submit

    def submit(code, data):
        report_submit(by=admin, assignment=task.assignments.get(unit=units[code]), data=data, at=ARRIVED)

    submit("CS-C", {"name": "Công đoàn THCS", "admin_name": "Hoàng Thị Lan", "admin_phone": "0912345678"})
    submit("CS-G", {"no_page": True, "note": "Đang lập Trang"})
    submit(
        "CS-K",
        {"name": "CĐ Tiểu học", "url": "fb.com/cd.tieuhoc", "admin_name": "Lý Văn Minh", "admin_phone": "0912345671"},
    )
    client = login(admin)
    page = client.get(reverse("directives:tracking", args=[task.pk])).content.decode()
    assert page.count('data-testid="no-page"') == 1 and page.count('data-testid="no-address"') == 1
    assert "1 chưa có Trang" in page and "1 chưa có địa chỉ Trang" in page
    assert all(
        state == "on_time"
        for state in Assignment.objects.filter(task=task, unit__code__in=["CS-C", "CS-G", "CS-K"]).values_list(
            "state", flat=True
        )
    )
    detail = client.get(reverse("directives:assignment", args=[task.pk, units["CS-C"].pk])).content.decode()
    assert 'data-testid="no-address"' in detail
    export = client.get(reverse("directives:tracking_export", args=[task.pk, "xlsx"]))
    rows = list(
        load_workbook(
            io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)
        ).active.values
    )
    pages = {row[0]: row[-1] for row in rows}
    assert (pages["CS-C"], pages["CS-G"], pages["CS-K"]) == ("chưa có địa chỉ Trang", "Chưa có Trang", None)
    consolidated = client.get(reverse("directives:consolidated", args=[task.pk, "xlsx"]))
    text = str(list(load_workbook(io.BytesIO(b"".join(consolidated.streaming_content))).active.values))
    assert "Chưa có Trang" in text and "(chưa có địa chỉ Trang)" in text


def test_a_form_without_the_address_gets_it_from_facebook_by_the_pages_name(
    task, admin, units, graph_standin, settings
):
    graph_standin.state.add_page(name="Công đoàn Mầm non Hòa An", link="https://www.facebook.com/cdmamnon.hoaan/")
    graph_standin.state.add_page(name="Mầm non Hòa An - Phụ huynh")
    settings.FACEBOOK_SEARCH_TOKEN = graph_standin.state.add_token(permissions={"page_public_metadata_access"})
    batch, files = upload(
        task,
        admin,
        {
            "BC.docx": docx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", ""]
            )
        },
    )
    f = files["BC.docx"]
    assert f.data["url"] == "https://www.facebook.com/cdmamnon.hoaan"
    assert any("tìm thấy trên Facebook" in n for n in imports.assess(batch)[f.pk][1])


@pytest.mark.parametrize(
    "permissions, pages",
    [
        ({"pages_read_user_content"}, ["Công đoàn Mầm non Hòa An"]),  # the token may not search: Graph's error 10
        ({"page_public_metadata_access"}, ["Công đoàn Mầm non Hòa An", "Công đoàn Mầm non Hòa An"]),  # two of that name
        ({"page_public_metadata_access"}, []),  # none
    ],
)
def test_no_address_is_guessed_when_facebook_cannot_tell(
    task, admin, units, graph_standin, settings, permissions, pages
):
    for name in pages:
        graph_standin.state.add_page(name=name)
    settings.FACEBOOK_SEARCH_TOKEN = graph_standin.state.add_token(permissions=permissions)
    _batch, files = upload(
        task,
        admin,
        {
            "BC.docx": docx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["Công đoàn Mầm non Hòa An", "Nông Thị Hoa", "0978123456", ""]
            )
        },
    )
    assert files["BC.docx"].data["url"] == "" and files["BC.docx"].problems == []
