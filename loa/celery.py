"""Celery application for production; schedules live in loa.jobs.schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loa.settings")
app = Celery("loa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
