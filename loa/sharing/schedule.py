from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Official sites' feeds (loa/sharing/feeds.py): twice an hour, asking with the last ETag, so a site
    # with nothing new answers 304. A run that waited for a worker past the next one is dropped.
    "sharing-fetch-feeds": {
        "task": "loa.sharing.fetch_feeds",
        "schedule": crontab(minute="7,37"),
        "options": {"expires": 25 * 60},
    },
    # Before the reminders (07:00): officers find today's items to share when they first look. Each
    # message's dedupe key and the run's lease make a second run harmless.
    "sharing-send-share-digests": {"task": "loa.sharing.send_share_digests", "schedule": crontab(hour=6, minute=30)},
}
