"""Celery application for production. Each app may define `schedule.BEAT_SCHEDULE`; they are merged here."""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.settings")
app = Celery("loa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _merge_schedules(sender, **kwargs):
    from django.conf import settings

    schedule = {}
    for name in settings.INSTALLED_APPS:
        if not name.startswith("loa."):
            continue
        try:
            module = importlib.import_module(f"{name}.schedule")
        except ModuleNotFoundError:
            continue
        schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    sender.conf.beat_schedule = {**schedule, **(sender.conf.beat_schedule or {})}
