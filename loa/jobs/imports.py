"""Imports of an uploaded file that run as background jobs: the file is kept as the job's input
(deleted JOB_FILES_KEEP_DAYS after the job, like the unit lists), the job reads it again in the
sandbox, and its result is shown by one template (jobs/import_result.html).

A view reads the upload in the sandbox first (to refuse a bad file at once and to count its rows),
then imports it in the request when it is small and hands it to a job when it is not.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import get_language

from loa.core.uploads import upload_name
from loa.jobs.services import enqueue

MAX_SHOWN_ERRORS = 200
RESULT_TEMPLATE = "jobs/import_result.html"


def runs_inline(rows):
    """Whether an import of this many rows is done in the request rather than by a job."""
    return rows <= settings.IMPORT_INLINE_MAX_ROWS


def enqueue_import(kind, *, upload, by, unit, **params):
    """Queue the import of `upload` as a job of `kind`; its function gets `filename` and `language` besides `params`."""
    upload.seek(0)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    data = ContentFile(upload.read(), name=f"{kind.replace('.', '-')}-{stamp}")
    return enqueue(
        kind, by=by, unit=unit, input_file=data, filename=upload_name(upload)[:200], language=get_language(), **params
    )


def input_bytes(job):
    with job.input_file.open("rb") as handle:
        return handle.read()


def import_result(*, filename, summary="", errors=(), back="", link_text=""):
    """What jobs/import_result.html shows: the file, a sentence, the problems (the first ones), a link
    (`back`, labelled `link_text` or "Back")."""
    errors = [str(e) for e in errors]
    return {
        "filename": filename,
        "summary": str(summary),
        "errors": errors[:MAX_SHOWN_ERRORS],
        "error_count": len(errors),
        "back": back,
        "link_text": str(link_text),
    }
