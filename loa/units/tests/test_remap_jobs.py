"""A mapping table is checked and applied by background jobs: the Restructuring says where it is
(queued, checking, planned/refused, applying, applied/failed) and how far, on the page and in the API;
applying twice, even at once, is refused; its audit entries are its own by key."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.audit.log import audit_batch, log_action
from loa.audit.models import AuditEntry
from loa.jobs.models import Job
from loa.jobs.services import run_pending
from loa.units import remap
from loa.units.models import Restructuring, Unit
from loa.units.services import unit_create
from loa.units.tests.test_remap import ON, _csv

API = "/api/v1/units/restructurings"


@pytest.fixture
def gd(tree, kinds):
    return unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDGD", name="Công đoàn Giáo dục")


@pytest.fixture
def queued_jobs(settings):
    """Jobs wait in the database for a worker (`run_pending`), as in production without Celery."""
    settings.JOBS_BACKEND = "database"


def _upload(admin, data, name="bang.csv"):
    return remap.restructuring_upload(by=admin, upload=SimpleUploadedFile(name, data), file_name=name)


MOVE_A = _csv(("CS-A", "CDGD", "chuyển", ON))


def test_a_table_waits_for_its_check_then_is_planned_with_its_progress(tree, gd, admin, queued_jobs):
    record = _upload(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-B", "CDGD", "chuyển", ON)))
    assert record.current_status == Restructuring.Status.QUEUED
    assert record.check_job.status == Job.Status.QUEUED and record.check_job.input_file

    assert run_pending() == 1

    record.refresh_from_db()
    assert record.status == Restructuring.Status.PLANNED, record.problems
    job = Job.objects.get(pk=record.check_job_id)
    assert (job.status, job.progress_done, job.progress_total) == (Job.Status.DONE, 2, 2)
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk  # a dry run


def test_progress_is_told_after_each_group_of_rows(tree, gd, admin):
    rows = remap.read_mapping(
        _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-B", "CDGD", "chuyển", ON), ("CDVC", "", "giải thể", ON))
    ).rows
    seen = []

    outcome = remap.check(rows, by=admin, progress=lambda done, total: seen.append((done, total)))

    assert outcome.ok, outcome.problems
    assert seen == [(2, 3), (3, 3)]  # the moves of one day are one group (batch_moves), then the dissolution


def test_apply_is_a_job_and_a_second_apply_is_refused_while_it_waits(tree, gd, admin, queued_jobs):
    record = _upload(admin, MOVE_A)
    run_pending()
    record.refresh_from_db()

    record = remap.restructuring_apply_start(by=admin, restructuring=record)

    assert record.status == Restructuring.Status.APPLYING
    with pytest.raises(ValidationError) as exc:  # a second click, a second tab: the row is locked and applying
        remap.restructuring_apply_start(by=admin, restructuring=record)
    assert exc.value.messages == ["Đợt sắp xếp này đang được áp dụng."]
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk

    assert run_pending() == 1

    record.refresh_from_db()
    assert record.status == Restructuring.Status.APPLIED
    assert Unit.objects.get(code="CS-A").parent_id == gd.pk
    job = Job.objects.get(pk=record.apply_job_id)
    assert (job.status, job.progress_done, job.progress_total) == (Job.Status.DONE, 1, 1)
    with pytest.raises(ValidationError) as exc:
        remap.restructuring_apply_start(by=admin, restructuring=record)
    assert exc.value.messages[0].startswith("Đợt sắp xếp này đã được áp dụng, lúc ")


def test_an_apply_job_run_again_after_its_commit_applies_nothing_twice(tree, gd, admin):
    record = remap.restructuring_apply_start(by=admin, restructuring=_upload(admin, MOVE_A))
    assert record.status == Restructuring.Status.APPLIED
    entries = AuditEntry.objects.count()
    again = Job.objects.create(
        kind=remap.KIND, created_by=admin, params={"step": "apply", "restructuring": record.pk}, status="queued"
    )

    run_pending()

    again.refresh_from_db()
    assert again.status == Job.Status.DONE
    assert AuditEntry.objects.count() == entries


def test_an_apply_that_no_longer_fits_fails_with_its_problem_and_writes_nothing(tree, gd, admin, client):
    record = _upload(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-B", "CS-A", "sáp nhập", ON)))
    assert record.status == Restructuring.Status.PLANNED, record.problems
    Unit.objects.filter(code="CS-A").update(active_to="2025-01-01")  # closed since the check
    entries = AuditEntry.objects.count()
    client.force_login(admin)

    client.post(reverse("units:restructuring_apply", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == Restructuring.Status.FAILED and record.problems
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk
    assert Unit.objects.get(code="CS-B").active_to is None
    assert AuditEntry.objects.count() == entries
    page = client.get(reverse("units:restructuring", args=[record.pk])).content.decode()
    assert "Thất bại" in page and record.problems[0]["message"] in page

    Unit.objects.filter(code="CS-A").update(active_to=None)  # the tree put right: Apply again
    assert f"restructurings/{record.pk}/apply" in page
    client.post(reverse("units:restructuring_apply", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == Restructuring.Status.APPLIED and not record.problems
    assert Unit.objects.get(code="CS-B").active_to is not None


def test_a_check_whose_worker_stopped_for_good_reads_failed(tree, gd, admin, queued_jobs):
    record = _upload(admin, MOVE_A)
    Job.objects.filter(pk=record.check_job_id).update(status=Job.Status.FAILED, message="Tiến trình dừng.")
    record = Restructuring.objects.select_related("check_job").get(pk=record.pk)
    assert record.current_status == Restructuring.Status.FAILED


# --- The audit entries, by key ---------------------------------------------------------------


def test_its_audit_entries_are_its_own_not_the_same_persons_from_another_transaction(tree, gd, admin, monkeypatch):
    record = remap.restructuring_plan(by=admin, upload=MOVE_A, file_name="bang.csv")
    run = remap._run

    def interleaved(*args, **kwargs):
        run(*args, **kwargs)
        # What another request of the same person commits meanwhile: its id falls inside the
        # restructuring's, and its actor is the same; it is in no batch.
        with audit_batch(""):
            log_action("unit.updated", actor=admin, obj=tree["b"], note="another tab")

    monkeypatch.setattr(remap, "_run", interleaved)
    record = remap.restructuring_apply(by=admin, restructuring=record)

    listed = list(remap.restructuring_entries(record))
    assert [e.action for e in listed] == ["unit.moved", "unit.restructuring.applied"]
    assert AuditEntry.objects.filter(note="another tab", actor=admin).exists()
    assert all(e.batch == f"units.restructuring:{record.pk}" for e in listed)


def test_entries_outside_a_batch_have_none(tree, admin):
    entry = log_action("unit.updated", actor=admin, obj=tree["a"])
    with audit_batch("x:1"):
        inside = log_action("unit.updated", actor=admin, obj=tree["a"])
        made = AuditEntry(action="unit.updated")  # as bulk writers make them
    assert (entry.batch, inside.batch, made.batch) == ("", "x:1", "x:1")


# --- Size and rows ---------------------------------------------------------------------------


def test_a_national_table_of_10000_rows_is_read(tree):
    data = _csv(*[(f"CS-{i}", "CDGD", "chuyển", ON) for i in range(10_000)])
    outcome = remap.read_mapping(data, name="toan-quoc.csv")
    assert outcome.ok and len(outcome.rows) == 10_000


def test_a_table_over_max_rows_is_refused_in_vietnamese(tree, gd, admin, monkeypatch):
    monkeypatch.setattr(remap, "MAX_ROWS", 50)
    record = _upload(admin, _csv(*[(f"CS-{i}", "CDGD", "chuyển", ON) for i in range(60)]))
    assert record.status == Restructuring.Status.REFUSED
    assert record.problems[0]["row"] is None and "50" in record.problems[0]["message"]
    assert "dòng" in record.problems[0]["message"]


def test_a_file_over_the_size_limit_is_refused_at_once_and_nothing_is_kept(tree, gd, admin, client, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    earlier = _upload(admin, MOVE_A)  # kept before the limit is met
    client.force_login(admin)

    response = client.post(
        reverse("units:restructurings"),
        {"file": SimpleUploadedFile("lon.csv", _csv(*[("CS-A", "CDGD", "chuyển", ON)] * 100))},
    )

    assert response.status_code == 400
    assert "giới hạn là 1,0" in response.content.decode()
    assert list(Restructuring.objects.all()) == [earlier]
    assert Job.objects.count() == 1
    assert Job.objects.get().input_file.name == earlier.check_job.input_file.name


# --- Pages and API: progress, polling, outsiders --------------------------------------------


def test_the_page_follows_the_job_then_reloads(tree, gd, admin, client, queued_jobs, django_assert_max_num_queries):
    client.force_login(admin)
    client.post(reverse("units:restructurings"), {"file": SimpleUploadedFile("bang.csv", MOVE_A)})
    record = Restructuring.objects.get()
    url = reverse("units:restructuring", args=[record.pk])

    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Đang chờ kiểm tra" in page and f'hx-get="{url}"' in page and "<progress" in page

    run_pending()
    part = client.get(url, HTTP_HX_REQUEST="true")

    assert part["HX-Refresh"] == "true"
    assert 'data-status="planned"' in part.content.decode()
    page = client.get(url).content.decode()
    assert "hx-get" not in page and f"restructurings/{record.pk}/apply" in page
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("units:restructurings")).content.decode()
    assert "Đã kiểm tra, chưa áp dụng" in listing


def test_the_api_answers_202_with_where_to_poll_and_the_progress(api_client, admin, tree, gd, queued_jobs):
    client = api_client(admin)
    answer = client.post(API, {"file": SimpleUploadedFile("bang.csv", MOVE_A)})
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert answer["Location"] == body["poll"] == f"{API}/{body['id']}"
    assert body["status"] == "queued" and body["progress"]["job"]

    run_pending()
    body = client.get(body["poll"]).json()
    assert body["status"] == "planned"
    assert body["progress"] | {"job": None, "message": ""} == {
        "done": 1,
        "total": 1,
        "percent": 100,
        "job": None,
        "message": "",
    }

    applied = client.post(f"{API}/{body['id']}/apply")
    assert applied.status_code == 202 and applied.json()["status"] == "applying"
    again = client.post(f"{API}/{body['id']}/apply")
    assert again.status_code == 422 and again.json()["detail"] == "Đợt sắp xếp này đang được áp dụng."
    run_pending()
    body = client.get(body["poll"]).json()
    assert body["status"] == "applied" and body["audit_entries"] and body["progress"]["percent"] == 100


def test_an_outsider_cannot_follow_or_apply_a_restructuring(
    api_client, client, admin, alice, manager_of_b, tree, gd, queued_jobs
):
    record = _upload(admin, MOVE_A)
    for user in (alice, manager_of_b):
        client.force_login(user)
        assert client.get(reverse("units:restructuring", args=[record.pk])).status_code == 404
        assert client.get(reverse("units:restructuring", args=[record.pk]), HTTP_HX_REQUEST="true").status_code == 404
        assert client.post(reverse("units:restructuring_apply", args=[record.pk])).status_code == 404
        client.logout()
        api = api_client(user)
        assert api.get(f"{API}/{record.pk}").status_code == 404
        assert api.post(f"{API}/{record.pk}/apply").status_code == 404
        client.defaults.pop("HTTP_AUTHORIZATION")
    run_pending()
    record.refresh_from_db()
    assert record.status == Restructuring.Status.PLANNED and record.apply_job_id is None


# --- Hostile files ---------------------------------------------------------------------------


def _wrong_columns():
    return "Mã,Tên,Ghi chú\nCS-A,Trường A,\n".encode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nul.csv", _csv(("CS-\x00A", "CDGD", "chuyển", ON))),
        ("dieu-khien.csv", _csv(("CS-\x1bA\x07", "CDGD", "chuy\x0bển", ON))),
        ("cot-sai.csv", _wrong_columns()),
        ("khong-phai.xlsx", b"%PDF-1.4 \x00\x01\x02" * 50),
        ("rong.csv", b"   \n"),
    ],
)
def test_a_hostile_file_gets_a_clear_vietnamese_answer(tree, gd, admin, client, name, data):
    client.force_login(admin)
    response = client.post(reverse("units:restructurings"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code in (302, 400)
    record = Restructuring.objects.first()
    if response.status_code == 400:
        assert record is None and 'role="alert"' in response.content.decode()
    else:
        assert record.status in (Restructuring.Status.REFUSED, Restructuring.Status.PLANNED)
        page = client.get(reverse("units:restructuring", args=[record.pk]))
        assert page.status_code == 200
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk


def test_wrong_columns_say_which_is_missing(tree, gd, admin):
    record = _upload(admin, _wrong_columns())
    assert record.status == Restructuring.Status.REFUSED
    assert "Hình thức" in " ".join(p["message"] for p in record.problems)


@pytest.mark.parametrize("name", ["xlsx zip bomb, lying sizes", "xlsx cell at XFD1048576", "truncated xlsx"])
def test_a_lying_or_huge_xlsx_is_refused_whole(tree, gd, admin, name):
    from loa.core.tests.hostile import corpus

    file_name, data = corpus()[name]
    try:
        record = _upload(admin, data, name=file_name)
    except ValidationError as exc:  # refused at the door
        assert exc.messages[0]
        return
    assert record.status == Restructuring.Status.REFUSED
    assert record.problems[0]["row"] is None and record.problems[0]["message"]


# --- On PostgreSQL the progress is seen while the job's transaction is open -------------------


def _read_outside(job_id):
    """The job's progress as another connection (a page, the API) reads it."""
    import threading

    from django.db import connection

    seen = []

    def read():
        try:
            seen.append(Job.objects.filter(pk=job_id).values_list("progress_done", "progress_total").get())
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return seen[0]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_progress_is_read_while_the_table_is_applied(tree, gd, admin, settings, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite a second connection cannot write while the job's transaction holds the database")
    settings.JOBS_BACKEND = "database"
    record = _upload(admin, _csv(("CS-A", "CDGD", "chuyển", ON), ("CS-B", "CS-A", "sáp nhập", ON)))
    run_pending()
    record = remap.restructuring_apply_start(by=admin, restructuring=Restructuring.objects.get(pk=record.pk))
    seen = []
    real = remap.work_progress

    def spying(job, message):
        progress = real(job, message)

        def spy(done, total):
            progress(done, total)
            seen.append(_read_outside(job.pk))  # the apply's transaction is still open here

        return spy

    monkeypatch.setattr(remap, "work_progress", spying)

    assert run_pending() == 1

    assert seen == [(1, 2), (2, 2)]
    record.refresh_from_db()
    assert record.status == Restructuring.Status.APPLIED


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_applies_at_the_same_moment_start_one_job(tree, gd, admin, settings):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: two applies cannot meet there")
    settings.JOBS_BACKEND = "database"
    record = _upload(admin, MOVE_A)
    run_pending()
    barrier = threading.Barrier(2)
    outcomes = []

    def press():
        try:
            barrier.wait()
            remap.restructuring_apply_start(by=admin, restructuring=record)
            outcomes.append("started")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["Đợt sắp xếp này đang được áp dụng.", "started"])
    assert Job.objects.filter(params__step="apply").count() == 1
    assert run_pending() == 1
    assert Restructuring.objects.get(pk=record.pk).status == Restructuring.Status.APPLIED
