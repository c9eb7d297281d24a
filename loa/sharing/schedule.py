from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Official sites' feeds (loa/sharing/feeds.py): twice an hour, asking with the last ETag, so a site
    # with nothing new answers 304. A run that waited for a worker past the next one is dropped.
    "sharing-fetch-feeds": {
        "task": "loa.sharing.fetch_feeds",
        "schedule": crontab(minute="7,37"),
        "options": {"expires": 25 * 60},
    },
}
