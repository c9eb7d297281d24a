"""Importing the folder of messy returned forms: matching, preview, commit, re-upload, who may."""

from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.directives import imports
from loa.directives.models import Assignment, Report, ReportVersion, ReturnedFormBatch, ReturnedFormFile
from loa.directives.tests.factories import HCM, fanpage_letter
from loa.fanpages.models import Fanpage
from loa.units.services import unit_create

FOLDER = Path(__file__).resolve().parent / "returned_forms"

# File -> (the unit's code, the problems the preview must show).
EXPECTED = {
    "01 CDCS THPT TP Cao Bang.xlsx": ("CS-A", []),
    "Bao cao Fanpage THCS TP.xlsx": ("CS-C", []),
    "mau_bao_cao_ttyt.xlsx": ("CS-F", []),
    "BC fanpage mam non.docx": ("CS-G", []),
    "baocao.docx": ("CS-E", []),
    "bao cao fanpage.xlsx": ("CS-B", []),
    "thpt cao binh.xlsx": ("CS-D", ["invalid"]),
    "BVDK Hoa An.xlsx": ("CS-I", ["invalid"]),
    "VPTU.xlsx": ("CS-H", ["second_page"]),
    "ban sao.xlsx": (None, ["refused"]),
    "cu.xlsx": (None, ["refused"]),
}

MORE_UNITS = {
    "CS-C": "Công đoàn cơ sở Trường THCS Thành phố Cao Bằng",
    "CS-D": "Công đoàn cơ sở Trường THPT Cao Bình",
    "CS-E": "Công đoàn cơ sở Bệnh viện Y dược cổ truyền tỉnh",
    "CS-F": "Công đoàn cơ sở Trung tâm Y tế huyện Hòa An",
    "CS-G": "Công đoàn cơ sở Trường Mầm non Hòa An",
    "CS-H": "Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng",
    "CS-I": "Công đoàn cơ sở Bệnh viện Đa khoa huyện Hòa An",
    # Look-alikes, so that matching must be precise.
    "CS-J": "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng số 2",
    "CS-K": "Công đoàn cơ sở Trường Tiểu học Hòa An",
    "CS-L": "Công đoàn cơ sở Trung tâm Y tế huyện Hà Quảng",
    "CS-M": "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh Cao Bằng cơ sở 2",
}


@pytest.fixture
def units(tree, kinds):
    made = {"CS-A": tree["a"], "CS-B": tree["b"]}
    for code, name in MORE_UNITS.items():
        made[code] = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=code, name=name)
    # Named in a file's header, but not a recipient: never a match.
    made["GD-HA"] = unit_create(
        by=None, parent=tree["upper"], kind=kinds["cdcs"], code="GD-HA", name="Công đoàn Giáo dục huyện Hòa An"
    )
    return made


@pytest.fixture
def task(units, tree, admin):
    recipients = [u for code, u in units.items() if code != "GD-HA"]
    return fanpage_letter(tree, by=admin, recipients=recipients)[1]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name):
    return SimpleUploadedFile(name, (FOLDER / name).read_bytes())


def upload_folder(client, task, names=None):
    files = [upload(n) for n in (names or EXPECTED)]
    response = client.post(reverse("directives:import_start", args=[task.pk]), {"files": files})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReturnedFormBatch.objects.filter(task=task).first()


def by_name(batch):
    return {f.name: f for f in batch.files.select_related("unit")}


def local(*args):
    return datetime(*args, tzinfo=HCM)


def card_post(f, **changes):
    """The preview's fields for one file, as the browser sends them, with changes."""
    values = {
        "unit": f.unit_id or "",
        "arrived_at": f.arrived_at.astimezone(HCM).strftime("%Y-%m-%dT%H:%M"),
        **{k: f.data.get(k, "") for k in imports.DATA_FIELDS},
        "row": f.chosen_row or "",
        "accepted": "on",
    }
    values.update(changes)
    return {f"f{f.pk}-{k}": v for k, v in values.items() if v is not None}


def test_the_folder_has_every_kind_of_messy_form():
    names = {p.name for p in FOLDER.iterdir() if p.suffix in (".xlsx", ".docx")}
    assert names == set(EXPECTED)
    assert (FOLDER / "make_samples.py").exists()


def test_importing_the_folder_matches_every_file_to_the_right_unit(task, admin, login):
    batch = upload_folder(login(admin), task)
    files = by_name(batch)
    assert set(files) == set(EXPECTED)
    for name, (code, problems) in EXPECTED.items():
        f = files[name]
        assert (f.unit.code if f.unit else None) == code, f"{name}: {f.unit} by {f.match}"
        assert sorted({p["code"] for p in f.problems}) == sorted(set(problems)), f"{name}: {f.problems}"


def test_values_are_read_through_the_mess(task, admin, login):
    files = by_name(upload_folder(login(admin), task))
    thcs = files["Bao cao Fanpage THCS TP.xlsx"].data
    assert thcs["name"] == "Công đoàn Trường THCS TP Cao Bằng"  # the address taken out of the name cell
    assert thcs["url"] == "https://facebook.com/cdthcs.tpcaobang"
    # Two numbers in one cell: the main number and the other, shown as they will be stored.
    assert (thcs["admin_phone"], thcs["other_phones"]) == ("0912 345 678", "0206 3852 123")
    ttyt = files["mau_bao_cao_ttyt.xlsx"].data
    assert ttyt["admin_phone"] == "0912 345 679"  # a number cell that lost its leading zero
    assert ttyt["note"] == "Trang mới lập, đang mời đoàn viên thích trang"  # the column to the right
    assert files["BC fanpage mam non.docx"].data["url"] == "fb.com/mamnonhoaan.cd"  # from the note
    assert files["baocao.docx"].data["url"] == "https://m.facebook.com/cdydct.caobang"  # from a line below


def test_the_preview_lists_each_problem(task, admin, login, units, django_assert_max_num_queries):
    client = login(admin)
    batch = upload_folder(client, task)
    with django_assert_max_num_queries(22):  # the same for 1 file or 100: no query per file
        page = client.get(reverse("directives:import_batch", args=[task.pk, batch.pk])).content.decode()
    assert page.count('data-testid="import-file"') == len(EXPECTED)
    assert "“0206 385”" in page  # the bad phone, quoted in its message
    assert "“https://bvdkhoaan.vn/cong-doan”" in page  # the address that is not Facebook's
    assert page.count('data-code="second_page"') == 1
    assert page.count('data-code="refused"') == 2
    assert "ban sao.xlsx" in page and "cu.xlsx" in page
    # Every recipient is offered to re-assign a file; the non-recipient never is.
    assert f'<option value="{units["CS-K"].pk}"' in page
    assert f'<option value="{units["GD-HA"].pk}"' not in page


def test_committing_records_reports_at_the_arrival_time(task, admin, login, units):
    client = login(admin)
    batch = upload_folder(client, task, ["01 CDCS THPT TP Cao Bang.xlsx", "Bao cao Fanpage THCS TP.xlsx"])
    files = by_name(batch)
    a, c = files["01 CDCS THPT TP Cao Bang.xlsx"], files["Bao cao Fanpage THCS TP.xlsx"]
    post = {
        **card_post(a, arrived_at="2021-04-29T16:45"),
        **card_post(c, arrived_at="2021-04-30T08:10"),
        "action": "commit",
    }
    response = client.post(reverse("directives:import_batch", args=[task.pk, batch.pk]), post)
    assert response.status_code == 302
    on_time = Assignment.objects.get(task=task, unit=units["CS-A"])
    late = Assignment.objects.get(task=task, unit=units["CS-C"])
    assert on_time.state == "on_time" and on_time.first_reported_at == local(2021, 4, 29, 16, 45)
    assert late.state == "late" and late.first_reported_at == local(2021, 4, 30, 8, 10)
    version = ReportVersion.objects.get(report__assignment=late)
    assert (version.source, version.file_name) == ("import", "Bao cao Fanpage THCS TP.xlsx")
    assert (version.data["admin_phone"], version.data["other_phones"]) == ("+84912345678", "+842063852123")
    assert Fanpage.objects.get(unit=units["CS-A"]).url == "https://www.facebook.com/cdcs.thpt.tpcb"
    page = client.get(reverse("directives:import_batch", args=[task.pk, batch.pk])).content.decode()
    assert page.count('data-testid="outcome"') == 2
    entry = AuditEntry.objects.get(action="directive.forms_imported")
    assert entry.after["recorded"] == 2 and entry.actor == admin


def test_a_file_with_problems_is_not_recorded_until_fixed(task, admin, login, units):
    client = login(admin)
    batch = upload_folder(client, task, ["thpt cao binh.xlsx", "01 CDCS THPT TP Cao Bang.xlsx"])
    files = by_name(batch)
    bad, good = files["thpt cao binh.xlsx"], files["01 CDCS THPT TP Cao Bang.xlsx"]
    url = reverse("directives:import_batch", args=[task.pk, batch.pk])
    client.post(url, {**card_post(bad), **card_post(good), "action": "commit"})
    bad.refresh_from_db()
    assert bad.outcome == "failed" and not Report.objects.filter(assignment__unit=units["CS-D"]).exists()
    assert Report.objects.filter(assignment__unit=units["CS-A"]).exists()  # the other file went through
    client.post(url, {**card_post(bad, admin_phone="0206 3852 111"), "action": "save"})
    bad.refresh_from_db()
    client.post(url, {**card_post(bad), "action": "commit"})
    bad.refresh_from_db()
    assert bad.outcome == "recorded" and bad.problems == []
    assert Report.objects.get(assignment__unit=units["CS-D"]).data["admin_phone"] == "+842063852111"


def test_choosing_one_row_clears_the_second_page_problem(task, admin, login, units):
    client = login(admin)
    batch = upload_folder(client, task, ["VPTU.xlsx"])
    f = batch.files.get()
    url = reverse("directives:import_batch", args=[task.pk, batch.pk])
    client.post(url, {**card_post(f, row="4"), "action": "save"})
    f.refresh_from_db()
    assert f.chosen_row == 4 and f.problems == [] and f.data["url"] == "facebook.com/cdvptu.caobang"


def test_a_second_page_for_a_registered_unit_needs_replacing(task, admin, login, units):
    from loa.directives.services import report_submit
    from loa.directives.tests.factories import GOOD_PAGE

    old_page = {**GOOD_PAGE, "url": "fb.com/cdcs.thpt.tpcb.cu"}
    report_submit(
        by=admin, assignment=task.assignments.get(unit=units["CS-A"]), data=old_page, at=local(2021, 4, 20, 9, 0)
    )
    client = login(admin)
    batch = upload_folder(client, task, ["01 CDCS THPT TP Cao Bang.xlsx"])
    f = batch.files.get()
    client.post(reverse("directives:import_batch", args=[task.pk, batch.pk]), {**card_post(f), "action": "save"})
    f.refresh_from_db()
    assert [p["code"] for p in f.problems] == ["second_page"]
    client.post(
        reverse("directives:import_batch", args=[task.pk, batch.pk]),
        {**card_post(f, replace_page="on"), "action": "commit"},
    )
    f.refresh_from_db()
    assert f.outcome == "recorded"
    assert Fanpage.objects.get(unit=units["CS-A"]).url == "https://www.facebook.com/cdcs.thpt.tpcb"
    assert Assignment.objects.get(task=task, unit=units["CS-A"]).state == "on_time"  # first report decides


def test_reuploading_the_same_file_adds_no_version(task, admin, login, units):
    client = login(admin)
    name = "BC fanpage mam non.docx"
    first = upload_folder(client, task, [name])
    f = first.files.get()
    client.post(
        reverse("directives:import_batch", args=[task.pk, first.pk]),
        {**card_post(f, arrived_at="2021-04-28T10:00"), "action": "commit"},
    )
    second = upload_folder(client, task, [name])
    again = second.files.get()
    assert again.arrived_at == local(2021, 4, 28, 10, 0)  # the same e-mail's time, not the upload's
    page = client.get(reverse("directives:import_batch", args=[task.pk, second.pk])).content.decode()
    assert "28/04/2021" in page
    client.post(reverse("directives:import_batch", args=[task.pk, second.pk]), {**card_post(again), "action": "commit"})
    again.refresh_from_db()
    assert again.outcome == "duplicate"
    assert ReportVersion.objects.filter(report__assignment__unit=units["CS-G"]).count() == 1


def test_a_failing_file_does_not_stop_the_others(task, admin, login, units, monkeypatch):
    from django.core.exceptions import ValidationError

    real = imports.report_submit

    def flaky(**kwargs):
        if kwargs["assignment"].unit_id == units["CS-C"].pk:
            raise ValidationError("Trang này vừa được đơn vị khác đăng ký.")
        return real(**kwargs)

    monkeypatch.setattr(imports, "report_submit", flaky)
    client = login(admin)
    batch = upload_folder(
        client, task, ["Bao cao Fanpage THCS TP.xlsx", "01 CDCS THPT TP Cao Bang.xlsx", "baocao.docx"]
    )
    post = {"action": "commit"}
    for f in batch.files.all():
        post.update(card_post(f))
    client.post(reverse("directives:import_batch", args=[task.pk, batch.pk]), post)
    outcomes = {f.name: (f.outcome, f.outcome_message) for f in batch.files.all()}
    assert outcomes["Bao cao Fanpage THCS TP.xlsx"] == ("failed", "Trang này vừa được đơn vị khác đăng ký.")
    assert outcomes["01 CDCS THPT TP Cao Bang.xlsx"][0] == "recorded"
    assert outcomes["baocao.docx"][0] == "recorded"


def test_too_big_and_zip_bomb_files_are_refused(task, admin, login, settings):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (210 * 1024 * 1024))
    bomb = SimpleUploadedFile("bom.xlsx", buffer.getvalue())
    client = login(admin)
    response = client.post(reverse("directives:import_start", args=[task.pk]), {"files": [bomb]})
    assert response.status_code == 302
    f = ReturnedFormFile.objects.get(name="bom.xlsx")
    assert f.problems[0]["code"] == "refused" and not f.file
    settings.UPLOAD_MAX_BYTES = 2048
    batch = upload_folder(client, task, ["01 CDCS THPT TP Cao Bang.xlsx"])
    assert batch.files.get().problems[0]["code"] == "refused"


def test_the_admin_may_reassign_a_file_only_to_a_recipient(task, admin, login, units):
    client = login(admin)
    batch = upload_folder(client, task, ["baocao.docx"])
    f = batch.files.get()
    url = reverse("directives:import_batch", args=[task.pk, batch.pk])
    client.post(url, {**card_post(f, unit=units["GD-HA"].pk), "action": "save"})
    f.refresh_from_db()
    assert f.unit == units["CS-E"]
    client.post(url, {**card_post(f, unit="", unit_code="cs-k"), "action": "save"})
    f.refresh_from_db()
    assert f.unit == units["CS-K"]


def test_import_pages_answer_404_to_outsiders(task, admin, bob, alice, login, client):
    batch = upload_folder(login(admin), task, ["01 CDCS THPT TP Cao Bang.xlsx"])
    f = batch.files.get()
    urls = [
        reverse("directives:import_start", args=[task.pk]),
        reverse("directives:import_batch", args=[task.pk, batch.pk]),
        reverse("directives:import_file", args=[task.pk, batch.pk, f.pk]),
    ]
    assert client.get(urls[2]).status_code == 200
    for user in (bob, alice):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[0], {"files": [upload("baocao.docx")]}).status_code == 404
        assert client.post(urls[1], {**card_post(f), "action": "commit"}).status_code == 404
    assert ReturnedFormBatch.objects.count() == 1 and not Report.objects.exists()
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_batch_is_found_only_under_its_own_task(task, admin, login):
    from loa.directives.services import task_add

    client = login(admin)
    batch = upload_folder(client, task, ["baocao.docx"])
    other = task_add(
        by=admin, directive=task.directive, title="Báo cáo lần 2", deadline=task.deadline, report_form="fanpage"
    )
    assert client.get(reverse("directives:import_batch", args=[other.pk, batch.pk])).status_code == 404


def test_a_file_without_the_table_can_be_recorded_from_values_typed_in(task, admin, login, units):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "CĐCS Trường Tiểu học Hòa An xin báo cáo: trang là fb.com/cd.tieuhoc.hoaan"
    buffer = io.BytesIO()
    book.save(buffer)
    client = login(admin)
    response = client.post(
        reverse("directives:import_start", args=[task.pk]),
        {"files": [SimpleUploadedFile("thu.xlsx", buffer.getvalue())]},
    )
    assert response.status_code == 302
    f = ReturnedFormFile.objects.get()
    assert f.unit == units["CS-K"] and [p["code"] for p in f.problems] == ["no_table"]
    assert f.data["url"] == "fb.com/cd.tieuhoc.hoaan"  # the only address in the file
    url = reverse("directives:import_batch", args=[task.pk, f.batch_id])
    client.post(
        url,
        {
            **card_post(
                f,
                name="Công đoàn Trường Tiểu học Hòa An",
                url="fb.com/cd.tieuhoc.hoaan",
                admin_name="Lý Thị Hoa",
                admin_phone="0978 555 666",
                arrived_at="2021-04-29T08:00",
            ),
            "action": "save",
        },
    )
    f.refresh_from_db()
    assert f.problems == []
    client.post(url, {**card_post(f), "action": "commit"})
    assert Assignment.objects.get(task=task, unit=units["CS-K"]).state == "on_time"


def test_a_big_upload_is_read_by_a_job_whose_page_leads_to_the_preview(task, admin, bob, login, monkeypatch, client):
    from loa.jobs.models import Job

    monkeypatch.setattr(imports, "READ_INLINE_FILES", 1)
    response = login(admin).post(
        reverse("directives:import_start", args=[task.pk]), {"files": [upload("baocao.docx"), upload("VPTU.xlsx")]}
    )
    job = Job.objects.get(kind="directives.read_forms")
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.status == Job.Status.DONE
    batch = ReturnedFormBatch.objects.get(task=task)
    assert {f.kind for f in batch.files.all()} == {"docx", "xlsx"}
    assert reverse("directives:import_batch", args=[task.pk, batch.pk]) in client.get(response.url).content.decode()
    client.force_login(bob)
    assert client.get(response.url).status_code == 404


def test_a_file_not_read_yet_says_so_and_is_not_recorded(task, admin, login, monkeypatch, settings):
    from loa.jobs.services import run_pending

    settings.JOBS_BACKEND = "database"
    monkeypatch.setattr(imports, "READ_INLINE_FILES", 0)
    client = login(admin)
    client.post(reverse("directives:import_start", args=[task.pk]), {"files": [upload("baocao.docx")]})
    batch = ReturnedFormBatch.objects.get(task=task)
    page = client.get(reverse("directives:import_batch", args=[task.pk, batch.pk])).content.decode()
    assert "đang được đọc" in page
    client.post(
        reverse("directives:import_batch", args=[task.pk, batch.pk]),
        {**card_post(batch.files.get()), "action": "commit"},
    )
    assert batch.files.get().outcome == "failed"
    run_pending()
    assert batch.files.get().parsed["rows"]
