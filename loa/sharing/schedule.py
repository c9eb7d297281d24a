from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

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
    # The clicks counted in the cache reach ClickDay and the tallies (a lease keeps it to one worker).
    "sharing-flush-clicks": {
        "task": "loa.sharing.flush_clicks",
        "schedule": timedelta(seconds=settings.SHARING_CLICKS_FLUSH_SECONDS),
    },
}
