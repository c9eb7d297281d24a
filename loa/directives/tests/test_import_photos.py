"""Photos and scans among the returned forms: read with OCR, shown for review marked "read from a
picture — check it", and recorded only once the admin has confirmed what was read."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from loa.audit.models import AuditEntry
from loa.core.tests.photos import png_bytes
from loa.directives import imports
from loa.directives.models import Report, ReturnedFormBatch, ReturnedFormFile
from loa.directives.tests import paper_forms
from loa.directives.tests.factories import HCM, fanpage_letter
from loa.directives.tests.paper_forms import ROW

PHOTO = {}


def photo():
    """A phone photo of unit A's filled form, with the camera's GPS position in its EXIF."""
    if "jpeg" not in PHOTO:
        picture = Image.open(io.BytesIO(paper_forms.phone_photo(angle=2, blur=0.5, quality=80)))
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (22.0, 40.0, 0.0)}  # GPSInfo: where the photo was taken
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=85, exif=exif)
        PHOTO["jpeg"] = out.getvalue()
    return SimpleUploadedFile("Bao cao fanpage.jpg", PHOTO["jpeg"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task(tree, admin):
    return fanpage_letter(tree, by=admin)[1]


def upload(client, task, *files):
    response = client.post(reverse("directives:import_start", args=[task.pk]), {"files": list(files)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReturnedFormBatch.objects.filter(task=task).first()


def card_post(f, **changes):
    values = {
        "unit": f.unit_id or "",
        "arrived_at": f.arrived_at.astimezone(HCM).strftime("%Y-%m-%dT%H:%M"),
        **{k: f.data.get(k, "") for k in imports.DATA_FIELDS},
        "accepted": "on",
    }
    values.update(changes)
    return {f"f{f.pk}-{k}": v for k, v in values.items() if v is not None}


def test_a_photo_of_the_form_is_proposed_for_review_marked_as_read_from_a_picture(task, admin, tree, login):
    client = login(admin)
    batch = upload(client, task, photo())
    f = batch.files.get()
    assert f.kind == "jpeg" and f.unit == tree["a"] and f.match["method"] == "content"
    # The phone shown as it will be stored (the main number, no other).
    assert f.data == {**ROW, "admin_phone": "0912 345 678", "other_phones": ""}
    assert [p["code"] for p in f.problems] == ["unconfirmed"]
    page = client.get(reverse("directives:import_batch", args=[task.pk, batch.pk])).content.decode()
    assert "Đọc từ ảnh — cần kiểm tra" in page
    assert "Tôi đã đối chiếu các giá trị này với ảnh" in page
    accept = re.search(rf'<input[^>]*name="f{f.pk}-accepted"[^>]*>', page).group(0)
    assert "disabled" not in accept  # confirming and accepting can go together
    assert reverse("directives:import_file", args=[task.pk, batch.pk, f.pk]) in page  # the picture beside the values


def test_the_photo_is_kept_re_encoded_without_where_it_was_taken(task, admin, login):
    batch = upload(login(admin), task, photo())
    f = batch.files.get()
    assert re.fullmatch(r"returned_forms/\d+/\d+/[0-9a-f]{32}\.jpg", f.file.name)
    with f.file.open("rb") as kept, Image.open(kept) as picture:
        assert not picture.getexif() and max(picture.size) <= 3300


def test_nothing_read_from_a_photo_is_recorded_until_the_admin_confirms_it(
    task, admin, bob, tree, login, client, django_assert_max_num_queries
):
    batch = upload(login(admin), task, photo())
    f = batch.files.get()
    url = reverse("directives:import_batch", args=[task.pk, batch.pk])

    client.force_login(bob)  # an outsider can neither see nor confirm it
    assert client.post(url, {**card_post(f, ocr_confirmed="on"), "action": "commit"}).status_code == 404
    f.refresh_from_db()
    assert f.ocr_confirmed_at is None

    client = login(admin)
    client.post(url, {**card_post(f), "action": "commit"})  # accepted, not confirmed
    f.refresh_from_db()
    assert f.outcome == "failed" and not Report.objects.exists()

    client.post(url, {**card_post(f, ocr_confirmed="on"), "action": "commit"})
    f.refresh_from_db()
    assert f.outcome == "recorded" and f.ocr_confirmed_by == admin
    report = Report.objects.get(assignment__unit=tree["a"])
    assert report.data["admin_phone"] == "+84912345678" and report.data["name"] == ROW["name"]
    entry = AuditEntry.objects.get(action="directive.form_reading_confirmed")
    assert entry.actor == admin and entry.after["file"] == "Bao cao fanpage.jpg"
    with django_assert_max_num_queries(22):
        page = client.get(url).content.decode()
    assert "đã đối chiếu với ảnh bởi Nông Thị Quản Trị" in page


def test_values_corrected_by_the_admin_are_recorded_once_confirmed(task, admin, tree, login):
    client = login(admin)
    batch = upload(client, task, photo())
    f = batch.files.get()
    url = reverse("directives:import_batch", args=[task.pk, batch.pk])
    client.post(url, {**card_post(f, admin_name="Hoàng Thị Ánh Nguyệt (sửa)", ocr_confirmed="on"), "action": "commit"})
    assert Report.objects.get(assignment__unit=tree["a"]).data["admin_name"] == "Hoàng Thị Ánh Nguyệt (sửa)"


def test_a_photo_of_something_else_says_no_table_was_found_and_keeps_nothing_else(task, admin, login):
    client = login(admin)
    batch = upload(client, task, SimpleUploadedFile("meo.jpg", paper_forms.cat_photo()))
    f = batch.files.get()
    assert [p["code"] for p in f.problems] == ["no_table", "no_unit"]
    assert "Không tìm thấy bảng báo cáo" in f.problems[0]["message"]
    page = client.get(reverse("directives:import_batch", args=[task.pk, batch.pk]))
    assert page.status_code == 200 and "Đọc từ ảnh — cần kiểm tra" in page.content.decode()
    assert not Report.objects.exists()


def test_what_is_not_a_picture_or_pdf_is_refused_and_the_rest_of_the_upload_kept(task, admin, tree, login):
    client = login(admin)
    batch = upload(client, task, SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 5000), photo())
    damaged, good = batch.files.order_by("id")
    assert damaged.parsed["error"] == "refused" and not damaged.file and "không đọc được" in damaged.parsed["detail"]
    assert good.unit == tree["a"] and good.data["admin_phone"] == "0912 345 678"


def test_more_photos_than_a_request_reads_go_to_a_background_job(task, admin, login):
    from loa.jobs.models import Job

    blank = Image.new("L", (1240, 1754), 255)
    pictures = [SimpleUploadedFile(f"trang-{i}.png", png_bytes(blank)) for i in (1, 2)]
    response = login(admin).post(reverse("directives:import_start", args=[task.pk]), {"files": pictures})
    job = Job.objects.get(kind="directives.read_forms")
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.status == Job.Status.DONE
    assert {f.parsed["error"] for f in ReturnedFormFile.objects.all()} == {"no_table"}
