import pytest


@pytest.fixture(autouse=True)
def _debug_on(settings):
    """pytest-django runs with DEBUG off; the demo commands refuse that, as they should."""
    settings.DEBUG = True
