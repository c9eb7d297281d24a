from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Officers read their messages in the morning; the dedupe key makes a second run harmless.
    "directives-send-reminders": {"task": "loa.directives.send_reminders", "schedule": crontab(hour=7, minute=0)},
}
