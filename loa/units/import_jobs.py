"""The unit import's steps as jobs, for the pages (views_import.py) and the API (loa/api/unit_imports.py):
upload → check (dry run) → check again with choices (a mapping, a default kind) → commit.

Each step is a job of kind "units.import" on the same input file; only the one who uploaded the file
may take a further step, and only from a finished check that was not imported yet.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loa.imports.columns import Header, titles_key
from loa.imports.mappings import clean_mapping, mapping_remember
from loa.jobs.models import Job
from loa.jobs.services import enqueue, run_job
from loa.units import managers
from loa.units.importing import COLUMNS, mapping_scope, open_sheet
from loa.units.models import UnitKind

KIND = "units.import"


class FileGone(Exception):
    """The checked file was purged (JOB_FILES_KEEP_DAYS): it must be uploaded again."""

    def message(self):
        return _(
            "The checked file is no longer kept (files are deleted %(days)s days after their check). Upload it again."
        ) % {"days": settings.JOB_FILES_KEEP_DAYS}


def require_manager(user):
    if not managers.managed_paths(user):
        raise Http404


def check_start(*, by, upload):
    """Read the upload's header in the sandbox (a bad file is refused here: ValidationError), keep the
    file and check it: at once when it is short, else as a background job."""
    with open_sheet(upload) as sheet:
        count, file_type = sheet.data_rows, sheet.kind
    upload.seek(0)
    name = f"units-{timezone.now():%Y%m%d-%H%M%S}.{file_type}"
    return enqueue(
        KIND,
        by=by,
        unit=mapping_scope(by),
        input_file=ContentFile(upload.read(), name=name),
        run_now=count <= settings.IMPORT_INLINE_MAX_ROWS,
        commit=False,
        filename=(getattr(upload, "name", "") or "")[:200],
        language=get_language(),
        rows=count,
    )


def checked_job(user, job_id):
    """The user's own finished check, not imported yet; Http404 for anyone else's or any other job."""
    require_manager(user)
    checked = Job.objects.filter(pk=job_id, kind=KIND, created_by=user, status=Job.Status.DONE).first()
    if checked is None or not checked.result or checked.result.get("committed") or checked.params.get("commit"):
        raise Http404
    return checked


def own_job(user, job_id):
    """Any unit import job of the user's (a check or a commit, in any state); Http404 otherwise."""
    require_manager(user)
    job = Job.objects.filter(pk=job_id, kind=KIND, created_by=user).first()
    if job is None:
        raise Http404
    return job


def _kind(code):
    code = (code or "").strip()
    if code and not UnitKind.objects.filter(code=code).exists():
        raise ValidationError(_("Choose one of the unit kinds."), code="bad_kind")
    return code


def _job_on_file(checked, params):
    """A job on the checked job's file (not copied) with these params."""
    if not checked.input_file:
        raise FileGone
    job = Job(kind=KIND, created_by=checked.created_by, unit=checked.unit, params=params, queued_at=timezone.now())
    job.input_file.name = checked.input_file.name
    job.save()
    return job


def _start(job):
    """At once for a short file (as the check was), else by the configured backend."""
    if job.params.get("rows", 0) <= settings.IMPORT_INLINE_MAX_ROWS or settings.JOBS_BACKEND == "inline":
        run_job(job.pk)
        job.refresh_from_db()
    elif settings.JOBS_BACKEND == "celery":
        from loa.jobs.leases import send_to_worker

        transaction.on_commit(lambda: send_to_worker(job.pk))
    return job


def recheck(*, by, checked, chosen=None, default_kind=""):
    """Check the same file again with a mapping chosen by hand ({column index or title: field or ""}),
    remembered for the next file with the same titles, and a default kind."""
    params = dict(checked.params, commit=False, default_kind=_kind(default_kind))
    if chosen:
        result = checked.result
        titles = result.get("titles") or []
        header = Header(
            number=result.get("header_row", 1), position=0, titles=titles, mapping={}, key=titles_key(titles)
        )
        mapping = clean_mapping(COLUMNS, header, chosen)
        mapping_remember(importer=COLUMNS.key, header=header, mapping=mapping, unit=mapping_scope(by), by=by)
        params["mapping"] = mapping
    return _start(_job_on_file(checked, params))


def commit(*, by, checked, default_kind=None, same_unit=None):
    """Import the checked file with the choices made on its check; a second call gives the first's job."""
    if checked.result.get("error_count"):
        raise ValidationError(_("The file has errors: correct them and upload it again."), code="has_errors")
    with transaction.atomic():
        checked = Job.objects.select_for_update().get(pk=checked.pk)
        if checked.result.get("commit_job"):
            return Job.objects.get(pk=checked.result["commit_job"])
        kind = checked.params.get("default_kind", "") if default_kind is None else _kind(default_kind)
        params = dict(checked.params, commit=True, default_kind=kind, same_unit=same_unit or {}, check_job=checked.pk)
        job = _job_on_file(checked, params)
        checked.result["commit_job"] = job.pk
        checked.save(update_fields=["result"])
    return _start(job)
