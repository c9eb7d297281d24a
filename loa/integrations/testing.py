"""Pytest fixtures for the Zalo and Graph stand-ins (loaded from the root conftest.py).

`zalo_standin` and `graph_standin` start a server on 127.0.0.1, point the settings at it and stop
it after the test. Drive them through `.state` (see the stand-in modules).
"""

import pytest

from loa.integrations.standins.graph_standin import GraphStandin
from loa.integrations.standins.zalo_standin import ZaloStandin


@pytest.fixture
def zalo_standin(settings):
    with ZaloStandin() as server:
        settings.ZALO_OAUTH_URL = server.oauth_url
        settings.ZALO_API_URL = server.api_url
        settings.ZALO_APP_ID = server.state.app_id
        settings.ZALO_APP_SECRET = server.state.app_secret
        yield server


@pytest.fixture
def graph_standin(settings):
    with GraphStandin() as server:
        settings.FACEBOOK_GRAPH_URL = server.url
        settings.FACEBOOK_GRAPH_VERSION = server.version
        yield server
