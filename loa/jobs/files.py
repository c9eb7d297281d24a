"""Uploaded files of background jobs (unit files: names, phones, e-mails) are kept only as long
as they are useful: settings.JOB_FILES_KEEP_DAYS after the last job that reads them finished."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from loa.jobs.models import Job


def purge_input_files(*, now=None, keep_days=None):
    """Delete the files whose every job finished more than `keep_days` ago; returns how many.

    A checked unit file is read again by the import started from the check page (the same stored
    file), so a file goes only when no job that reads it is unfinished or recent. The jobs stay,
    with their results; their file field is emptied.
    """
    keep_days = settings.JOB_FILES_KEEP_DAYS if keep_days is None else keep_days
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    with_files = Job.objects.exclude(input_file="")
    busy = with_files.filter(Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff)).values("input_file")
    names = list(with_files.exclude(input_file__in=busy).order_by().values_list("input_file", flat=True).distinct())
    for name in names:
        Job.input_file.field.storage.delete(name)
    Job.objects.filter(input_file__in=names).update(input_file="")
    return len(names)
