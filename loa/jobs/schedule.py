from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Uploaded unit files hold people's phones and e-mails: kept JOB_FILES_KEEP_DAYS, then deleted.
    "jobs-purge-input-files": {"task": "loa.jobs.purge_input_files", "schedule": crontab(hour=3, minute=30)},
    # Jobs whose worker stopped (lease ran out) are queued again or failed; jobs the broker lost are sent again.
    "jobs-recover-expired": {"task": "loa.jobs.recover_expired", "schedule": 60.0},
}
