"""Each kind of job is safe to run again after its worker stopped, before or after its commit: the unit
import, issuing a directive and scoring a year write nothing twice."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from loa.audit.models import AuditEntry
from loa.directives import notices as directive_notices
from loa.directives.models import Assignment, Directive
from loa.directives.tests.factories import fanpage_letter
from loa.jobs.leases import recover_expired
from loa.jobs.models import Job
from loa.jobs.services import enqueue, run_pending
from loa.notifications.models import Message
from loa.units import importing
from loa.units.models import Unit
from loa.units.tests.import_helpers import row, xlsx

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing in the job runner catches it, nothing is recorded."""


def _killed(*args, **kwargs):
    raise WorkerKilled


def _then_killed(real):
    def run(*args, **kwargs):
        real(*args, **kwargs)
        raise WorkerKilled

    return run


def _take_up_again(job):
    """The lease of the dead run runs out; recovery queues the job, and a worker runs it again."""
    assert recover_expired(now=timezone.now() + timedelta(seconds=301)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert run_pending() == 1
    job.refresh_from_db()
    return job


@pytest.fixture
def database_backend(settings):
    settings.JOBS_BACKEND = "database"
    settings.JOB_LEASE_SECONDS = 300
    settings.JOB_MAX_ATTEMPTS = 3


@pytest.mark.parametrize("dies", ["before its commit", "after its commit"])
def test_a_unit_import_taken_up_again_imports_each_unit_once(
    admin, tree, login, settings, monkeypatch, database_backend, dies
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    client = login(admin)
    client.post(
        "/units/import/",
        {"file": SimpleUploadedFile("don-vi.xlsx", xlsx([row(f"CS-C{i}", f"Trường {i}", "CDVC") for i in range(5)]))},
    )
    run_pending()  # the check
    check = Job.objects.get()
    client.post(f"/units/import/{check.pk}/commit/")
    commit = Job.objects.exclude(pk=check.pk).get()
    with monkeypatch.context() as patch:
        if dies == "before its commit":  # in the middle of the import's transaction
            patch.setattr("loa.audit.log.log_action", _killed)
        else:  # after the commit, while writing the search words
            patch.setattr(importing.search, "write_due_words", _killed)
        with pytest.raises(WorkerKilled):
            run_pending()
    commit.refresh_from_db()
    assert commit.status == Job.Status.RUNNING
    assert Unit.objects.filter(code__startswith="CS-C").count() == (5 if dies == "after its commit" else 0)

    commit = _take_up_again(commit)
    assert commit.status == Job.Status.DONE and commit.attempts == 2
    assert commit.result["committed"] and commit.result["created"] == 5 and commit.result["filename"] == "don-vi.xlsx"
    assert Unit.objects.filter(code__startswith="CS-C").count() == 5
    assert AuditEntry.objects.filter(action="unit.imported").count() == 1
    assert AuditEntry.objects.filter(action="unit.created").count() == 5 + 4  # the story tree's own, and the file's


@pytest.mark.parametrize("dies", ["before its commit", "after its commit"])
def test_issuing_a_directive_taken_up_again_issues_it_once_and_tells_each_officer_once(
    admin, alice, tree, monkeypatch, database_backend, dies
):
    directive, task = fanpage_letter(tree, by=admin, issue=False)
    job = enqueue("directives.issue", by=admin, unit=tree["upper"], directive_id=directive.pk)
    with monkeypatch.context() as patch:
        if dies == "before its commit":
            patch.setattr("loa.directives.services.rollups.rebuild", _killed)
        else:
            # Issuing and queueing its notices commit together: the worker dies once both are committed.
            patch.setattr(directive_notices, "issue_and_notify", _then_killed(directive_notices.issue_and_notify))
        with pytest.raises(WorkerKilled):
            run_pending()
    directive.refresh_from_db()
    assert (directive.status == Directive.Status.ISSUED) == (dies == "after its commit")

    job = _take_up_again(job)
    assert job.status == Job.Status.DONE, job.message
    queued_by_the_second_run = 0 if dies == "after its commit" else 1
    assert job.result == {
        "directive_id": directive.pk,
        "directive": str(directive),
        "recipients": 2,
        "messages": queued_by_the_second_run,
    }
    assert Message.objects.filter(recipient="alice@example.vn").count() == 1
    assert Assignment.objects.filter(task=task).count() == 2
    assert AuditEntry.objects.filter(action="directive.issued").count() == 1


def test_a_second_request_to_issue_an_issued_directive_still_fails(admin, tree, database_backend):
    directive, _task = fanpage_letter(tree, by=admin)
    job = enqueue("directives.issue", by=admin, unit=tree["upper"], directive_id=directive.pk)
    run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == "Văn bản này đã được ban hành."


def test_scoring_a_year_taken_up_again_after_its_commit_keeps_one_score_per_unit(
    admin, tree, monkeypatch, database_backend
):
    from loa.scoring import examples
    from loa.scoring import jobs as scoring_jobs
    from loa.scoring.models import Score

    rubric = examples.letter_2021(by=admin, unit=tree["province"], year=2021)
    job = enqueue("scoring.score_year", by=admin, unit=tree["province"], year=2021)
    with monkeypatch.context() as patch:
        patch.setattr(scoring_jobs, "score_year", _then_killed(scoring_jobs.score_year))
        with pytest.raises(WorkerKilled):
            run_pending()
    scores = sorted(Score.objects.filter(rubric=rubric).values_list("unit_id", "total", "rank"))
    assert scores

    job = _take_up_again(job)
    assert job.status == Job.Status.DONE and job.result == {"year": 2021, "units": len(scores)}
    assert sorted(Score.objects.filter(rubric=rubric).values_list("unit_id", "total", "rank")) == scores
