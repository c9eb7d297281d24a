import csv
import io
from datetime import date, datetime

import openpyxl
from django.urls import reverse

from loa.units.services import unit_create, unit_update
from loa.units.tests.conftest import assert_login_redirect


def _url(fmt):
    return reverse("units:export", args=[fmt])


def _sheet(response):
    body = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(body)).active


def test_the_xlsx_export_opens_back_with_the_visible_units_in_vietnamese_order(login, admin, tree, kinds):
    for i, name in enumerate(["Đinh", "Dương", "Ân", "Bình", "Ăn", "Ánh", "An"]):
        unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"ORD-{i}", name=name)
    unit_update(by=admin, unit=tree["a"], phone="0912 345 678", active_from=date(2021, 4, 5))

    response = login(admin).get(_url("xlsx"), {"kind": "cdcs"})

    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    ws = _sheet(response)
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("Mã", "Tên", "Tên viết tắt", "Loại", "Đơn vị cấp trên")
    names = [r[1] for r in rows[1:]]
    assert names == [
        "An",
        "Ánh",
        "Ăn",
        "Ân",
        "Bình",
        "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh",
        "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng",
        "Dương",
        "Đinh",
    ]
    a = rows[names.index("Công đoàn cơ sở Trường THPT Thành phố Cao Bằng") + 1]
    by_header = dict(zip(header, a))
    assert by_header["Đơn vị cấp trên"] == "Công đoàn Viên chức tỉnh Cao Bằng"
    assert by_header["Số điện thoại"] == "0912 345 678"
    assert by_header["Hoạt động từ"] == datetime(2021, 4, 5)
    assert by_header["Số đoàn viên"] == 60


def test_the_csv_export_uses_the_same_filters(login, admin):
    response = login(admin).get(_url("csv"), {"q": "benh vien"})

    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][:2] == ["CS-B", "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh"]


def test_an_officer_exports_only_their_units(login, alice, bob):
    response = login(alice).get(_url("csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Trường THPT" in text and "Bệnh viện" not in text


def test_the_outsider_cannot_export_under_unit_a(login, bob, tree):
    assert login(bob).get(_url("xlsx"), {"under": tree["a"].pk}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(_url("xlsx")))


def test_an_unknown_format_is_not_found(login, admin):
    assert login(admin).get(_url("pdf")).status_code == 404
