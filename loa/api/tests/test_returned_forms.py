"""/api/v1/directives/tasks/{task}/returned-forms: a robot forwarding the forms units e-mail back."""

import pytest

from loa.directives.models import Report, ReturnedFormFile
from loa.directives.tests.factories import fanpage_letter
from loa.directives.tests.test_import_as_sent import docx, xlsx
from loa.units.services import unit_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task(tree, kinds, admin):
    unit_create(
        by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-G", name="Công đoàn cơ sở Trường Mầm non Hòa An"
    )
    units = [tree["a"], tree["b"], *tree["upper"].children.filter(code="CS-G")]
    return fanpage_letter(tree, by=admin, recipients=units)[1]


def url(task, *rest):
    return "/".join([f"/api/v1/directives/tasks/{task.pk}/returned-forms", *map(str, rest)])


def files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [
        SimpleUploadedFile(
            "CDCS THPT TP Cao Bang.xlsx",
            xlsx(
                "CÔNG ĐOÀN CƠ SỞ TRƯỜNG THPT THÀNH PHỐ CAO BẰNG",
                ["Công đoàn THPT TP Cao Bằng", "Hoàng Thị An", "0912.345.678 / 0168 123 4567", ""],
            ),
        ),
        SimpleUploadedFile(
            "mam non.docx", docx("CÔNG ĐOÀN CƠ SỞ TRƯỜNG MẦM NON HÒA AN", ["", "", "", "Đang lập Trang"])
        ),
        SimpleUploadedFile("bao cao.xlsx", b"%PDF-1.4 not a spreadsheet at all"),
        SimpleUploadedFile("khong ro.xlsx", xlsx("", ["Trang công đoàn", "Bế Văn Bảo", "0978 123 456", ""])),
    ]


def test_a_robot_uploads_reads_corrects_and_records_a_batch(api_client, admin, task, tree):
    client = api_client(admin)
    response = client.post(url(task), {"files": files(), "arrived_at": "2021-04-28T09:30"})
    assert response.status_code == 201, response.content
    batch = response.json()
    by_name = {f["name"]: f for f in batch["files"]}
    assert batch["reading"] is False and len(by_name) == 4
    thpt = by_name["CDCS THPT TP Cao Bang.xlsx"]
    assert thpt["unit"]["code"] == "CS-A" and thpt["problems"] == []
    assert (thpt["values"]["admin_phone"], thpt["values"]["other_phones"]) == ("0912 345 678", "0381 234 567")
    assert any(n.startswith("Chưa có địa chỉ Trang") for n in thpt["notices"])
    assert by_name["mam non.docx"]["values"]["no_page"] is True
    refused = by_name["bao cao.xlsx"]
    assert [p["code"] for p in refused["problems"]] == ["refused"] and "bao cao.xlsx" in refused["problems"][0][
        "message"
    ]
    unknown = by_name["khong ro.xlsx"]
    assert unknown["unit"] is None and unknown["problems"][0]["code"] == "no_unit"

    # Correct the unknown file: its unit, and accept the good ones.
    response = client.patch(
        url(task, batch["id"], "files", unknown["id"]),
        {"version": unknown["version"], "unit": tree["b"].pk, "accepted": True},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["unit"] == {"id": tree["b"].pk, "code": "CS-B", "name": tree["b"].name}
    assert response.json()["problems"] == []
    for f in (thpt, by_name["mam non.docx"], refused):
        answer = client.patch(
            url(task, batch["id"], "files", f["id"]), {"version": f["version"], "accepted": True}, content_type=JSON
        )
        assert answer.status_code == 200, answer.content

    response = client.post(url(task, batch["id"], "record"))
    assert response.status_code == 200, response.content
    outcomes = {f["name"]: f["outcome"] for f in response.json()["files"]}
    assert outcomes == {
        "CDCS THPT TP Cao Bang.xlsx": "recorded",
        "mam non.docx": "recorded",
        "bao cao.xlsx": "failed",
        "khong ro.xlsx": "recorded",
    }
    assert Report.objects.get(assignment__unit=tree["a"]).data["other_phones"] == "+84381234567"
    assert client.post(url(task, batch["id"], "record")).status_code == 200  # safe to repeat

    response = client.get(url(task, batch["id"]))
    assert response.status_code == 200 and response.json()["committed_at"]


def test_values_are_corrected_and_hostile_text_is_cleaned(api_client, admin, task, tree):
    client = api_client(admin)
    batch = client.post(url(task), {"files": files()[:1]}).json()
    f = batch["files"][0]
    response = client.patch(
        url(task, batch["id"], "files", f["id"]),
        {
            "version": f["version"],
            "values": {
                "name": "Công đoàn\x00 THPT\x07",
                "admin_name": "Hoàng Thị An",
                "admin_phone": "+84 912 345 678",
                "url": "m.facebook.com/cdcs.thpt/?ref=x",
            },
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    values = response.json()["values"]
    assert values["name"] == "Công đoàn THPT" and values["admin_phone"] == "0912 345 678"
    assert ReturnedFormFile.objects.get(pk=f["id"]).data["name"] == "Công đoàn THPT"


@pytest.mark.parametrize(
    "body",
    [
        {"accepted": "yes"},
        {"unit": 2**70},
        {"unit": True},
        {"row": -1},
        {"values": {"name": "x" * 300}},
        {"surprise": 1},
        {"arrived_at": "9999-01-01T00:00"},
    ],
)
def test_malformed_corrections_are_refused_in_vietnamese(api_client, admin, task, body):
    client = api_client(admin)
    batch = client.post(url(task), {"files": files()[:1]}).json()
    response = client.patch(url(task, batch["id"], "files", batch["files"][0]["id"]), body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert response.json()["code"]


def test_a_unit_that_is_not_a_recipient_is_refused(api_client, admin, task, tree):
    client = api_client(admin)
    batch = client.post(url(task), {"files": files()[:1]}).json()
    f = batch["files"][0]
    response = client.patch(
        url(task, batch["id"], "files", f["id"]), {"version": f["version"], "unit": tree["upper"].pk}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Đơn vị đó không thuộc nơi nhận của nhiệm vụ này."


def test_an_upload_without_files_is_refused(api_client, admin, task):
    response = api_client(admin).post(url(task), {})
    assert response.status_code == 422


def test_an_outsider_sees_nothing_and_a_recipient_may_not_import(api_client, admin, task, bob, tree, kinds):
    from loa.accounts.models import Role, User

    batch = api_client(admin).post(url(task), {"files": files()[:1]}).json()
    elsewhere = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CDGD", name="Công đoàn Giáo dục tỉnh"
    )
    outsider = User.objects.create_user(username="carol", password="pass-for-tests")
    Role.objects.create(user=outsider, unit=elsewhere, role="admin")
    client = api_client(outsider)
    assert client.post(url(task), {"files": files()[:1]}).status_code == 404
    assert client.get(url(task, batch["id"])).status_code == 404
    assert client.post(url(task, batch["id"], "record")).status_code == 404
    client = api_client(bob)  # the officer of a recipient: sees the task, may not import for it
    assert client.post(url(task), {"files": files()[:1]}).status_code == 403
    assert client.get(url(task, batch["id"])).status_code == 403
    response = client.patch(
        url(task, batch["id"], "files", batch["files"][0]["id"]), {"accepted": True}, content_type=JSON
    )
    assert response.status_code == 403 and response.json()["detail"]


def test_two_people_correcting_one_file_do_not_overwrite_each_other(api_client, admin, task, tree):
    client = api_client(admin)
    batch = client.post(url(task), {"files": files()[3:]}).json()
    f = batch["files"][0]
    first = client.patch(
        url(task, batch["id"], "files", f["id"]), {"version": f["version"], "unit": tree["a"].pk}, content_type=JSON
    )
    assert first.status_code == 200 and first.json()["version"] == f["version"] + 1
    late = client.patch(
        url(task, batch["id"], "files", f["id"]), {"version": f["version"], "unit": tree["b"].pk}, content_type=JSON
    )
    assert late.status_code == 409 and late.json()["current"]["unit"]["code"] == "CS-A"
    assert (
        client.patch(url(task, batch["id"], "files", f["id"]), {"unit": tree["b"].pk}, content_type=JSON).status_code
        == 428
    )
    assert ReturnedFormFile.objects.get(pk=f["id"]).unit == tree["a"]
