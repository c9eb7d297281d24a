"""Fixtures of the sharing tests: `feed_server`, a local RSS/Atom server (feed_server.py)."""

from loa.sharing.tests.feed_server import feed_server  # noqa: F401
