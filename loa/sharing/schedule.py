from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Before the reminders (07:00): officers find today's items to share when they first look. Each
    # message's dedupe key and the run's lease make a second run harmless.
    "sharing-send-share-digests": {"task": "loa.sharing.send_share_digests", "schedule": crontab(hour=6, minute=30)},
}
