from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Posts of the day before are all in by early morning; a run resumes where the last one stopped.
    "fanpages-sync": {"task": "loa.fanpages.sync", "schedule": crontab(hour="1,13", minute=15)},
    "fanpages-followers-snapshot": {"task": "loa.fanpages.followers_snapshot", "schedule": crontab(hour=23, minute=50)},
    # After the sync; the dedupe key makes a second run on the same day harmless.
    "fanpages-remind-silent": {"task": "loa.fanpages.remind_silent", "schedule": crontab(hour=7, minute=30)},
    # The retention rule (POSTING_DAYS_KEEP_YEARS; nothing to do while it is 0): after New Year it finds a
    # year to delete, the other months nothing. Away from the syncs at 01:15 and 13:15.
    "fanpages-prune-posting-days": {
        "task": "loa.fanpages.prune_posting_days",
        "schedule": crontab(day_of_month=2, hour=2, minute=40),
    },
}
