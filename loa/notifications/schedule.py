"""Beat schedule entries of this app, for the lead to merge into CELERY_BEAT_SCHEDULE.

A message is also kicked at once when it is queued (outbox._kick); this entry picks up retries
that have come due and anything a kick missed.
"""

BEAT_SCHEDULE = {
    "notifications-deliver-outbox": {
        "task": "loa.notifications.deliver_outbox",
        "schedule": 60.0,  # seconds
        "kwargs": {"limit": 100},
        "options": {"expires": 55},  # a run that waited for a worker longer than this is dropped
    },
}
