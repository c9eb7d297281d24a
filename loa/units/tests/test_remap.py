"""A restructuring from a mapping table: read through the import framework, checked as a whole in a
dry run, applied all or nothing, read back later."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from loa.audit.models import AuditEntry
from loa.units import remap
from loa.units.models import Restructuring, Unit
from loa.units.services import unit_create

ON = "01/07/2025"


def _csv(*rows, title=True):
    lines = ["BẢNG SẮP XẾP CÁC ĐƠN VỊ NĂM 2025", ""] if title else []
    lines.append("STT,Mã đơn vị cũ,Mã đơn vị mới / cấp trên mới,Hình thức,Từ ngày")
    lines += [f"{i},{','.join(r)}" for i, r in enumerate(rows, start=1)]
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def more(tree, kinds):
    upper2 = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDGD", name="Công đoàn Giáo dục")
    c = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="Công đoàn cơ sở Trường C")
    return {"upper2": upper2, "c": c}


def _plan(admin, data, name="bang.csv"):
    return remap.restructuring_plan(by=admin, upload=data, file_name=name)


def _problems(record):
    return [(p["row"], p["message"]) for p in record.problems]


def test_it_plans_and_applies_a_table(tree, more, admin):
    data = _csv(
        ("CS-A", "CDGD", "chuyển", ON),
        ("CS-C", "CS-B", "Sáp nhập", ON),
        ("CDVC", "", "Giải thể", ON),
        ("CS-B", "CDGD", "chuyển", ON),
    )
    record = _plan(admin, data)
    assert record.status == Restructuring.Status.PLANNED, record.problems
    assert record.plan
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk  # the dry run rolled back

    record = remap.restructuring_apply(by=admin, restructuring=record)

    assert record.status == Restructuring.Status.APPLIED
    units = {u.code: u for u in Unit.objects.all()}
    assert units["CS-A"].parent_id == more["upper2"].pk
    assert units["CS-B"].parent_id == more["upper2"].pk
    assert units["CS-C"].active_to == date(2025, 6, 30)
    assert units["CDVC"].active_to == date(2025, 6, 30)
    actions = list(remap.restructuring_entries(record).values_list("action", flat=True))
    assert "unit.moved" in actions and "unit.merged" in actions and "unit.deactivated" in actions
    assert actions[-1] == "unit.restructuring.applied"


def test_it_cannot_be_applied_twice(tree, more, admin):
    record = _plan(admin, _csv(("CS-A", "CDGD", "chuyển", ON)))
    remap.restructuring_apply(by=admin, restructuring=record)
    with pytest.raises(ValidationError):
        remap.restructuring_apply(by=admin, restructuring=record)


def test_it_refuses_unknown_codes_row_by_row(tree, more, admin):
    record = _plan(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-X", "CDGD", "chuyển", ON)))
    assert record.status == Restructuring.Status.REFUSED
    assert _problems(record) == [(5, "Không có đơn vị nào mang mã “CS-X”.")]


def test_it_refuses_a_cycle(tree, more, admin):
    record = _plan(admin, _csv(("CDVC", "CS-C", "chuyển", ON)))
    assert record.status == Restructuring.Status.REFUSED
    assert "Vòng lặp" in record.problems[0]["message"]


def test_it_refuses_a_unit_both_merged_and_moved(tree, more, admin):
    record = _plan(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-A", "CS-B", "sáp nhập", ON)))
    assert record.status == Restructuring.Status.REFUSED
    assert record.problems[0]["row"] == 4


def test_it_refuses_duplicate_rows(tree, more, admin):
    record = _plan(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-A", "CDGD", "chuyển", ON)))
    assert _problems(record)[0][0] == 5


def test_a_dissolved_unit_must_have_every_unit_under_it_mapped(tree, more, admin):
    record = _plan(admin, _csv(("CDVC", "", "giải thể", ON), ("CS-A", "CDGD", "chuyển", ON)))
    assert record.status == Restructuring.Status.REFUSED
    message = record.problems[0]["message"]
    assert "CS-B" in message and "CS-C" in message and "CS-A" not in message


def test_it_strips_control_characters_and_refuses_unknown_forms(tree, more, admin):
    data = _csv(("CS-\x1bA", "CDGD", "chuyển\x07", ON), ("CS-B", "CDGD", "bán", ON))
    record = _plan(admin, b"Ghi chu: " + b"x" * 400 + b"\n" + data)  # under 1 % of control characters
    assert [p["row"] for p in record.problems] == [6]
    assert "bán" in record.problems[0]["message"]


def test_a_csv_with_nul_is_not_text(tree, more, admin):
    record = _plan(admin, _csv(("CS-\x00A", "CDGD", "chuyển", ON)))
    assert record.status == Restructuring.Status.REFUSED
    assert record.problems[0]["row"] is None


def test_it_refuses_a_date_in_the_future(tree, more, admin):
    record = _plan(admin, _csv(("CS-A", "CDGD", "chuyển", "01/01/2099")))
    assert record.status == Restructuring.Status.REFUSED


def test_a_manager_of_one_unit_cannot_touch_others(tree, more, manager_of_b):
    record = _plan(manager_of_b, _csv(("CS-A", "CDGD", "chuyển", ON)))
    assert record.status == Restructuring.Status.REFUSED


def test_a_huge_file_is_refused_by_the_framework(tree, more, admin, monkeypatch):
    monkeypatch.setattr(remap, "MAX_ROWS", 10)
    record = _plan(admin, _csv(*[("CS-A", "CDGD", "chuyển", ON)] * 30))
    assert record.status == Restructuring.Status.REFUSED
    assert record.problems[0]["row"] is None


def test_a_file_that_is_not_a_sheet_is_refused(tree, admin):
    record = _plan(admin, b"%PDF-1.4 \x00\x01\x02" * 50, name="bang.xlsx")
    assert record.status == Restructuring.Status.REFUSED


def test_a_failure_midway_writes_nothing(tree, more, admin, monkeypatch):
    record = _plan(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-C", "CS-B", "sáp nhập", ON)))
    entries = AuditEntry.objects.count()
    Unit.objects.filter(code="CS-B").update(active_to=date(2025, 1, 1))  # closed since the dry run
    with pytest.raises(ValidationError):
        remap.restructuring_apply(by=admin, restructuring=record)
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk
    assert AuditEntry.objects.count() == entries


def test_it_splits_a_unit_from_an_xlsx_with_its_own_titles(tree, more, admin, kinds):
    from io import BytesIO

    from openpyxl import Workbook

    d = unit_create(by=None, parent=more["upper2"], kind=kinds["cdcs"], code="CS-D", name="Công đoàn cơ sở D")
    book = Workbook()
    sheet = book.active
    sheet.append(["ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"])
    sheet.append([])
    sheet.append(["Mã cũ", "Hình thức sắp xếp", "Mã đơn vị mới", "Ngày hiệu lực"])
    sheet.append(["CS-B", "Chia tách", "CS-C", date(2025, 7, 1)])
    sheet.append(["CS-B", "chia tach", "CS-D", "2025-07-01"])
    out = BytesIO()
    book.save(out)

    record = _plan(admin, out.getvalue(), name="tach.xlsx")
    assert record.status == Restructuring.Status.PLANNED, record.problems
    record = remap.restructuring_apply(by=admin, restructuring=record)

    b = Unit.objects.get(code="CS-B")
    assert b.active_to == date(2025, 6, 30)
    assert Unit.objects.get(pk=d.pk).members_count + Unit.objects.get(code="CS-C").members_count >= 300
    assert "unit.split" in set(remap.restructuring_entries(record).values_list("action", flat=True))


def test_a_split_needs_two_parts(tree, more, admin):
    record = _plan(admin, _csv(("CS-B", "CS-C", "chia tách", ON)))
    assert record.status == Restructuring.Status.REFUSED


# --- Rows that create a unit ------------------------------------------------------------------


def _csv_new(*rows):
    lines = ["Mã đơn vị cũ,Mã đơn vị mới / cấp trên mới,Hình thức,Từ ngày,Tên đơn vị mới,Loại đơn vị mới"]
    lines += [",".join(r) for r in rows]
    return "\n".join(lines).encode("utf-8")


def test_a_merge_into_a_new_unit_creates_it_first(tree, more, admin):
    data = _csv_new(
        ("CS-A", "CS-AB", "sáp nhập", ON, "Công đoàn cơ sở Trường AB", ""),
        ("CS-B", "CS-AB", "sáp nhập", ON, "Công đoàn cơ sở Trường AB", ""),
    )
    record = _plan(admin, data)
    assert record.status == Restructuring.Status.PLANNED, record.problems
    assert "“Công đoàn cơ sở Trường AB” (CS-AB) được lập" in record.plan[0]
    assert not Unit.objects.filter(code="CS-AB").exists()  # the dry run rolled back

    record = remap.restructuring_apply(by=admin, restructuring=record)

    ab = Unit.objects.get(code="CS-AB")
    assert (ab.parent_id, ab.kind_id, ab.active_from) == (tree["upper"].pk, tree["a"].kind_id, date(2025, 7, 1))
    assert ab.members_count == 360
    assert Unit.objects.get(code="CS-A").active_to == date(2025, 6, 30)
    actions = [e.action for e in remap.restructuring_entries(record)]
    assert actions[0] == "unit.created" and "unit.merged" in actions


def test_a_split_into_new_parts_creates_them(tree, more, admin):
    data = _csv_new(
        ("CS-B", "CS-B1", "chia tách", ON, "Công đoàn cơ sở Khoa Nội", "cdcs"),
        ("CS-B", "CS-B2", "chia tách", ON, "Công đoàn cơ sở Khoa Ngoại", "Công đoàn cơ sở"),
    )
    record = _plan(admin, data)
    assert record.status == Restructuring.Status.PLANNED, record.problems
    remap.restructuring_apply(by=admin, restructuring=record)
    assert set(Unit.objects.filter(code__in=["CS-B1", "CS-B2"]).values_list("parent_id", flat=True)) == {
        tree["upper"].pk
    }
    assert Unit.objects.get(code="CS-B").active_to == date(2025, 6, 30)


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ((("CS-A", "CD-MOI", "chuyển", ON, "Công đoàn mới", ""),), "Chỉ sáp nhập hoặc chia tách"),
        ((("CS-A", "CS-AB", "sáp nhập", ON, "Trường AB", "loai-la"),), "loai-la"),
        (
            (("CS-A", "CS-AB", "sáp nhập", ON, "Trường AB", ""), ("CS-B", "CS-AB", "sáp nhập", ON, "Trường BA", "")),
            "tên khác",
        ),
        ((("CS-A", "CS-AB", "sáp nhập", ON, "", ""),), "CS-AB"),  # no name: an unknown code
    ],
)
def test_a_new_unit_row_that_does_not_hold_is_refused(tree, more, admin, rows, says):
    record = _plan(admin, _csv_new(*rows))
    assert record.status == Restructuring.Status.REFUSED
    assert says in record.problems[0]["message"]
    assert not Unit.objects.filter(code__in=["CS-AB", "CD-MOI"]).exists()


def test_a_new_unit_goes_only_where_one_manages(tree, more, manager_of_b):
    record = _plan(
        manager_of_b,
        _csv_new(
            ("CS-B", "CS-B1", "chia tách", ON, "Khoa Nội", ""), ("CS-B", "CS-B2", "chia tách", ON, "Khoa Ngoại", "")
        ),
    )
    assert record.status == Restructuring.Status.REFUSED
    assert "không quản lý" in record.problems[0]["message"]


def test_the_moves_of_a_big_table_report_progress_as_they_go(tree, more, admin, monkeypatch):
    monkeypatch.setattr(remap, "MOVES_AT_ONCE", 1)  # a national table's 2,000 at a time, here one
    data = _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-B", "CDGD", "chuyển", ON), ("CS-C", "CDGD", "chuyển", ON))
    seen = []
    outcome = remap.check(
        remap.read_mapping(data, name="bang.csv").rows, by=admin, progress=lambda d, t: seen.append((d, t))
    )
    assert outcome.ok, outcome.problems
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert len(outcome.lines) == 3
