from datetime import timedelta

from django.conf import settings

BEAT_SCHEDULE = {
    # The clicks counted in the cache reach ClickDay and the tallies (a lease keeps it to one worker).
    "sharing-flush-clicks": {
        "task": "loa.sharing.flush_clicks",
        "schedule": timedelta(seconds=settings.SHARING_CLICKS_FLUSH_SECONDS),
    },
}
