from contextlib import contextmanager
from datetime import datetime, time
from unittest import mock

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _debug_on(settings):
    """pytest-django runs with DEBUG off; the demo commands refuse that, as they should."""
    settings.DEBUG = True


@contextmanager
def clock_at(day, hour=10, minute=0):
    """The pages' clock on `day` at hour:minute, local time. The scenario takes its day as an argument
    (`demo --today`); the pages read the clock, so looking at them "on" that day needs it moved."""
    instant = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant
