import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from loa.accounts.models import Role
from loa.audit.models import AuditEntry
from loa.core.text import sort_key
from loa.units import importing
from loa.units.importing import import_units
from loa.units.models import Unit
from loa.units.tests.import_helpers import HEADER, csv_bytes, row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked against their msgids; the Vietnamese catalogue translates them."""
    with translation.override("en"):
        yield


def messages(outcome):
    return [str(e) for e in outcome.errors]


def test_it_imports_new_units_with_parents_before_and_after_them(admin, tree):
    data = xlsx(
        [
            row("CS-C1", "Công đoàn cơ sở Trường Tiểu học Hợp Giang", "UPPER-2"),
            row("UPPER-2", "Công đoàn ngành Giáo dục", "LDLD", kind="cd-cap-tren"),
            row(
                "CS-C2",
                "Công đoàn cơ sở Trường Mầm non Sông Bằng",
                "CDVC",
                email="mn.songbang@example.vn",
                start=datetime.date(2021, 1, 5),
                end="31/12/2025",
            ),
        ]
    )
    outcome = import_units(data, by=admin, commit=True, filename="units.xlsx")
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.moved) == (3, 0, 0)
    upper2 = Unit.objects.get(code="UPPER-2")
    c1 = Unit.objects.get(code="CS-C1")
    c2 = Unit.objects.get(code="CS-C2")
    assert upper2.path == f"{tree['province'].path}{upper2.pk}/" and upper2.depth == 1
    assert c1.path == f"{upper2.path}{c1.pk}/" and c1.depth == 2 and c1.parent == upper2
    assert c2.parent == tree["upper"] and c2.phone == "+84912345678"
    assert (c2.active_from, c2.active_to) == (datetime.date(2021, 1, 5), datetime.date(2025, 12, 31))
    assert c1.search_text == "cs-c1 cong doan co so truong tieu hoc hop giang"
    assert list(Unit.objects.search("song bang")) == [c2]
    assert c1.kind.code == "cdcs" and upper2.kind.code == "cd-cap-tren"


def test_it_writes_one_summary_and_one_entry_per_unit_to_the_audit_log(admin, tree):
    import_units(
        xlsx([row("CS-C1", "Trường C1", "CDVC"), row("CS-C2", "Trường C2", "CDVC")]),
        by=admin,
        commit=True,
        filename="a.xlsx",
    )
    summary = AuditEntry.objects.get(action="unit.imported")
    assert summary.actor == admin and summary.after["created"] == 2 and summary.after["file"] == "a.xlsx"
    assert summary.unit == tree["upper"]
    created = AuditEntry.objects.filter(action="unit.created", actor=admin).order_by("object_repr")
    assert [e.object_repr for e in created] == ["Trường C1", "Trường C2"]
    assert created[0].after["parent"] == "Công đoàn Viên chức tỉnh Cao Bằng"
    assert created[0].unit_path == Unit.objects.get(code="CS-C1").path


def test_the_audit_entries_of_an_import_are_found_by_the_audit_search(admin, tree):
    import_units(xlsx([row("CS-C1", "Trường Sông Bằng", "CDVC")]), by=admin, commit=True, filename="a.xlsx")
    import_units(xlsx([row("CS-C1", "Trường Đề Thám", "CDVC")]), by=admin, commit=True, filename="b.xlsx")
    found = AuditEntry.objects.filter(search_text__contains="truong song bang").values_list("action", "note")
    assert list(found) == [("unit.created", "Imported from the file “a.xlsx”.")]
    found = AuditEntry.objects.filter(search_text__contains="truong de tham").values_list("action", flat=True)
    assert list(found) == ["unit.updated"]


def test_a_dry_run_writes_nothing_and_counts_what_would_change(admin, tree):
    outcome = import_units(
        xlsx([row("CS-C1", "Trường C1", "CDVC"), row("CS-A", "Trường A mới", "CDVC")]), by=admin, commit=False
    )
    assert outcome.errors == [] and (outcome.created, outcome.updated) == (1, 1)
    assert not Unit.objects.filter(code="CS-C1").exists()
    assert Unit.objects.get(code="CS-A").name.startswith("Công đoàn cơ sở Trường THPT")
    assert not AuditEntry.objects.filter(action="unit.imported").exists()


@pytest.mark.parametrize("copy_updates_from", [2000, 1], ids=["bulk_update", "copy_and_update_from"])
def test_importing_again_updates_by_code_and_moves_when_the_parent_changed(admin, tree, copy_updates_from, monkeypatch):
    monkeypatch.setattr(importing, "COPY_UPDATES_FROM", copy_updates_from)  # 1: PostgreSQL's path for big files
    import_units(
        xlsx([row("UP-2", "Ngành Y tế", "LDLD", kind="cd-cap-tren"), row("CS-C1", "Trường C1", "UP-2")]),
        by=admin,
        commit=True,
    )
    up2 = Unit.objects.get(code="UP-2")
    # CS-A moves under UP-2 and gets new figures; its subtree follows; CS-C1 is unchanged.
    child = Unit.objects.create(parent=tree["a"], kind=tree["a"].kind, code="CS-A-1", name="Tổ công đoàn 1", path="/x/")
    child.path = f"{tree['a'].path}{child.pk}/"
    child.depth = tree["a"].depth + 1
    child.save()
    outcome = import_units(
        xlsx(
            [
                row("UP-2", "Ngành Y tế", "LDLD", kind="cd-cap-tren"),
                row("CS-C1", "Trường C1", "UP-2"),
                row("CS-A", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng", "UP-2", members=75, staff=80),
            ]
        ),
        by=admin,
        commit=True,
    )
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.moved, outcome.unchanged) == (0, 1, 1, 2)
    a = Unit.objects.get(code="CS-A")
    assert a.pk == tree["a"].pk and a.parent == up2 and a.path == f"{up2.path}{a.pk}/" and a.depth == 2
    assert (a.members_count, a.staff_count) == (75, 80)
    child.refresh_from_db()
    assert child.path == f"{a.path}{child.pk}/" and child.depth == 3
    assert Unit.objects.count() == 7
    moved = AuditEntry.objects.get(action="unit.moved", object_id=str(a.pk))
    assert moved.after == {"parent": "Ngành Y tế"}
    updated = AuditEntry.objects.get(action="unit.updated", object_id=str(a.pk))
    assert (updated.before["members_count"], updated.after["members_count"]) == (60, 75)
    assert (updated.before["phone"], updated.after["phone"]) == ("", "+84912345678")
    assert "name" not in updated.after  # unchanged fields stay out of the entry


@pytest.mark.parametrize("copy_updates_from", [2000, 1], ids=["bulk_update", "copy_and_update_from"])
def test_updates_written_a_slice_at_a_time_are_all_written_with_their_audit_entries(
    admin, tree, copy_updates_from, monkeypatch
):
    from loa.units.signals import units_renamed

    monkeypatch.setattr(importing, "COPY_UPDATES_FROM", copy_updates_from)
    monkeypatch.setattr(importing, "UPDATE_SLICE", 2)  # 5 updates: slices of 2, 2 and 1
    codes = [f"CS-N{i}" for i in range(5)]
    import_units(xlsx([row(code, f"Trường {code}", "CDVC") for code in codes]), by=admin, commit=True)
    renamed = []

    def receiver(sender, units, **kwargs):
        renamed.extend(u.pk for u in units)

    units_renamed.connect(receiver, dispatch_uid="test-renamed")
    try:
        outcome = import_units(
            xlsx(
                [
                    row(
                        code,
                        "Trường đổi tên" if code == "CS-N3" else f"Trường {code}",
                        "CDVC" if i % 2 else "CS-A",
                        members=100 + i,
                    )
                    for i, code in enumerate(codes)
                ]
            ),
            by=admin,
            commit=True,
        )
    finally:
        units_renamed.disconnect(dispatch_uid="test-renamed")
    assert (outcome.updated, outcome.moved, outcome.unchanged) == (5, 3, 0)
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    assert [units[c].members_count for c in codes] == [100, 101, 102, 103, 104]
    assert units["CS-N0"].parent == tree["a"] and units["CS-N0"].path == f"{tree['a'].path}{units['CS-N0'].pk}/"
    assert units["CS-N3"].name == "Trường đổi tên" and units["CS-N3"].name_sort == sort_key("Trường đổi tên")
    assert renamed == [units["CS-N3"].pk]
    entries = AuditEntry.objects.filter(action__in=["unit.updated", "unit.moved"]).order_by("id")
    assert [(e.object_repr, e.action) for e in entries] == [
        ("Trường CS-N0", "unit.updated"),
        ("Trường CS-N0", "unit.moved"),
        ("Trường CS-N1", "unit.updated"),
        ("Trường CS-N2", "unit.updated"),
        ("Trường CS-N2", "unit.moved"),
        ("Trường đổi tên", "unit.updated"),
        ("Trường CS-N4", "unit.updated"),
        ("Trường CS-N4", "unit.moved"),
    ]


def test_one_bad_row_means_nothing_is_written(admin, tree):
    outcome = import_units(
        xlsx(
            [
                row("CS-C1", "Trường C1", "CDVC"),
                row("CS-A", "Đổi tên A", "CDVC"),
                row("CS-C2", "Trường C2", "CDVC", members=-3),
            ]
        ),
        by=admin,
        commit=True,
    )
    assert messages(outcome) == ["Row 4, column “Số đoàn viên”: must not be negative (-3)."]
    assert not outcome.committed
    assert Unit.objects.count() == 4
    assert Unit.objects.get(code="CS-A").name.startswith("Công đoàn cơ sở")
    assert not AuditEntry.objects.filter(action__in=["unit.imported", "unit.created"], actor=admin).exists()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"phone": "12345"}, "Row 2, column “Điện thoại”: “012345” is not a valid Vietnamese phone number"),
        # "00" is the international prefix: refused as by the unit form (an import once stored "+840912345678").
        ({"phone": "00912345678"}, "Row 2, column “Điện thoại”: “00912345678” is not a valid Vietnamese phone number"),
        ({"email": "an@"}, "Row 2, column “Email”: “an@” is not a valid e-mail address."),
        ({"start": "31/02/2021"}, "Row 2, column “Hoạt động từ”: “31/02/2021” is not a date"),
        ({"start": "hôm qua"}, "Row 2, column “Hoạt động từ”: “hôm qua” is not a date"),
        (
            {"start": "02/01/2022", "end": "01/01/2022"},
            "Row 2, column “Hoạt động đến”: the end date is before the start date.",
        ),
        ({"members": -1}, "Row 2, column “Số đoàn viên”: must not be negative (-1)."),
        ({"staff": "mười"}, "Row 2, column “Số CCVCLĐ”: “mười” is not a whole number."),
        ({"kind": "hội"}, "Row 2, column “Loại”: unknown unit kind “hội”"),
    ],
)
def test_it_names_the_row_and_column_of_a_bad_value(admin, tree, cells, expected):
    outcome = import_units(xlsx([row("CS-C1", "Trường C1", "CDVC", **cells)]), by=admin, commit=True)
    assert len(outcome.errors) == 1
    assert messages(outcome)[0].startswith(expected)
    assert not Unit.objects.filter(code="CS-C1").exists()


def test_it_accepts_excel_dates_vietnamese_thousands_and_a_phone_without_its_zero(admin, tree):
    data = xlsx(
        [
            row(
                "CS-C1",
                "Trường C1",
                "CDVC",
                start=44201,
                end=datetime.datetime(2025, 6, 30, 0, 0),
                members="1.250",
                phone=912345678,
            )
        ]
    )
    outcome = import_units(data, by=admin, commit=True)
    assert outcome.errors == []
    unit = Unit.objects.get(code="CS-C1")
    assert unit.active_from == datetime.date(2021, 1, 5) and unit.active_to == datetime.date(2025, 6, 30)
    assert unit.members_count == 1250 and unit.phone == "+84912345678"


def test_it_refuses_duplicate_codes_in_the_file(admin, tree):
    outcome = import_units(
        xlsx([row("CS-C1", "Trường C1", "CDVC"), row("CS-C1", "Trường C1 bis", "CDVC")]), by=admin, commit=True
    )
    assert messages(outcome) == ["Row 3, column “Mã đơn vị”: the code “CS-C1” is already used on row 2."]


def test_it_refuses_an_unknown_parent(admin, tree):
    outcome = import_units(xlsx([row("CS-C1", "Trường C1", "KHONG-CO")]), by=admin, commit=True)
    assert messages(outcome) == [
        "Row 2, column “Mã đơn vị cấp trên”: no unit has the code “KHONG-CO”, neither in the file nor in Loa."
    ]


def test_it_refuses_a_cycle_in_the_file_and_through_the_database(admin, tree):
    outcome = import_units(xlsx([row("X1", "X1", "X2"), row("X2", "X2", "X1")]), by=admin, commit=True)
    assert len(outcome.errors) == 2 and all("loop" in m for m in messages(outcome))
    # CDVC moved under CS-A, which is inside CDVC.
    outcome = import_units(
        xlsx([row("CDVC", "Công đoàn Viên chức tỉnh Cao Bằng", "CS-A", kind="cd-cap-tren")]), by=admin, commit=True
    )
    assert len(outcome.errors) == 1 and "CDVC → CS-A → CDVC" in messages(outcome)[0]
    assert Unit.objects.get(code="CDVC").parent == tree["province"]


def test_rows_outside_the_importers_units_are_errors(tree, kinds, bob):
    Role.objects.create(user=bob, unit=tree["b"], role="admin")
    outcome = import_units(
        xlsx(
            [
                row("CS-B-1", "Tổ công đoàn khoa Nhi", "CS-B"),
                row("CS-A-1", "Tổ công đoàn lén", "CS-A"),
                row("CS-A", "Chiếm đơn vị A", "CS-B"),
                row("TOP", "Đơn vị gốc mới", ""),
            ]
        ),
        by=bob,
        commit=True,
    )
    assert messages(outcome) == [
        "Row 3, column “Mã đơn vị cấp trên”: you do not manage the unit “CS-A”, so you cannot place units under it.",
        "Row 4, column “Mã đơn vị”: a unit with the code “CS-A” exists outside the units you manage.",
        "Row 5, column “Mã đơn vị cấp trên”: the parent unit code is required: you may only add units under units you manage.",
    ]
    assert Unit.objects.count() == 4


def test_it_reads_csv_with_semicolons_and_headers_in_any_order_without_accents(admin, tree):
    header = ["ten don vi", "MA DON VI", "loai", "Ma don vi cap tren", "Dien thoai"]
    data = csv_bytes([["Trường C1", "CS-C1", "Công đoàn cơ sở", "CDVC", "0206 3852 123"]], header=header, delimiter=";")
    outcome = import_units(data, by=admin, commit=True)
    assert outcome.errors == []
    unit = Unit.objects.get(code="CS-C1")
    assert unit.kind.code == "cdcs" and unit.phone == "+842063852123" and unit.members_count == 0


def test_it_reads_a_csv_saved_in_windows_vietnamese_encoding(admin, tree):
    data = csv_bytes([row("CS-C1", "Trường C1", "CDVC")], encoding="cp1258")
    outcome = import_units(data, by=admin, commit=True)
    assert outcome.errors == [] and Unit.objects.get(code="CS-C1").name == "Trường C1"


def test_a_partial_file_keeps_the_columns_it_does_not_have(admin, tree):
    header = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên"]
    import_units(xlsx([["CS-A", "Tên mới của A", "cdcs", "CDVC"]], header=header), by=admin, commit=True)
    a = Unit.objects.get(code="CS-A")
    assert a.name == "Tên mới của A" and a.members_count == 60


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Mã đơn vị", "Tên đơn vị"], "Missing column(s): “Mã đơn vị cấp trên”."),
        ([*HEADER, "ma don vi"], "Column “Mã đơn vị” appears twice."),
    ],
)
def test_it_refuses_to_commit_a_file_with_missing_or_repeated_columns(admin, tree, header, expected):
    with pytest.raises(ValidationError) as exc:
        import_units(xlsx([], header=header), by=admin, commit=True)
    assert any(m.startswith(expected) for m in exc.value.messages)


def test_a_dry_run_of_a_file_with_a_missing_column_asks_for_a_mapping_instead_of_failing(admin, tree):
    outcome = import_units(xlsx([["CS-X", "Trường X"]], header=["Mã đơn vị", "Tên đơn vị"]), by=admin, commit=False)
    assert outcome.needs_mapping and outcome.titles == ["Mã đơn vị", "Tên đơn vị"]
    assert next(str(e) for e in outcome.errors).startswith("Row 1: Missing column(s): “Mã đơn vị cấp trên”.")


def test_a_column_loa_does_not_know_is_read_past_and_named_in_the_dry_run(admin, tree):
    outcome = import_units(
        xlsx([row("CS-C1", "Trường C1", "CDVC") + ["xanh"]], header=[*HEADER, "Màu sắc"]), by=admin, commit=False
    )
    assert outcome.errors == [] and outcome.unknown == ["Màu sắc"] and outcome.created == 1


def test_it_refuses_a_file_that_is_not_a_spreadsheet_whatever_its_name(admin, tree):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with pytest.raises(ValidationError) as exc:
        import_units(png, by=admin, commit=True, filename="units.xlsx")
    assert exc.value.messages == [
        (
            "The file “units.xlsx” is not of a kind expected here (Excel (.xlsx), Excel 97–2003 (.xls), CSV): "
            "Loa reads the content, not the name."
        )
    ]
    # A zip that is not a workbook (e.g. a .docx renamed) is refused too.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationError) as exc:
        import_units(buffer.getvalue(), by=admin, commit=True)
    assert exc.value.code == "wrong_kind"


def test_it_refuses_an_old_xls_file(admin, tree):
    with pytest.raises(ValidationError) as exc:
        import_units(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, by=admin, commit=True)
    assert ".xlsx" in exc.value.messages[0]


def test_it_refuses_a_file_over_the_size_limit(admin, tree, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    with pytest.raises(ValidationError) as exc:
        import_units(csv_bytes([row(f"C{i}", f"Trường {i}", "CDVC") for i in range(100)]), by=admin, commit=True)
    assert exc.value.messages[0].startswith("The file is 7.8") and "the limit is 2.0" in exc.value.messages[0]


def test_it_refuses_a_zip_bomb_before_unpacking_it(admin, tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(ValidationError) as exc:
        import_units(data, by=admin, commit=True)
    assert "unpacks to far more data than a real document" in exc.value.messages[0]


def test_it_refuses_a_damaged_workbook(admin, tree):
    data = xlsx([row("CS-C1", "Trường C1", "CDVC")])
    with pytest.raises(ValidationError):
        import_units(data[: len(data) // 2], by=admin, commit=True)


@pytest.mark.parametrize("copy_from", [1, 10**9])  # on PostgreSQL: COPY and one UPDATE, or bulk_update
def test_an_import_raises_the_version_of_each_unit_it_changes_so_an_edit_form_opened_before_is_refused(
    admin, tree, monkeypatch, copy_from
):
    from loa.core.versions import StaleVersion
    from loa.units.services import unit_update

    monkeypatch.setattr(importing, "COPY_UPDATES_FROM", copy_from)
    outcome = import_units(
        xlsx([row("CS-A", "Công đoàn cơ sở Trường THPT TP Cao Bằng", "CDVC")]), by=admin, commit=True, filename="a.xlsx"
    )
    assert outcome.updated == 1
    assert Unit.objects.get(code="CS-A").version == 2 and Unit.objects.get(code="CDVC").version == 1
    with pytest.raises(StaleVersion):  # the page opened before the import would write the old name back
        unit_update(by=admin, unit=tree["a"], expected_version=1, name="Công đoàn cơ sở Trường THPT Thành phố Cao Bằng")
    assert Unit.objects.get(code="CS-A").name == "Công đoàn cơ sở Trường THPT TP Cao Bằng"
