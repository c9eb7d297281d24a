"""The test suite's settings: loa.settings, read from the environment every test run starts from.

pytest-django reads the settings while pytest starts, before the root conftest.py is imported, so
the variables must be set here, just before loa.settings reads them (pyproject.toml names this
module as DJANGO_SETTINGS_MODULE). Nothing else differs from production's settings.
"""

import atexit
import os
import shutil
import tempfile

# Tests leave nothing in the checkout's var/: the SQLite test database and every file a test
# uploads or generates live in a directory of this test process, removed when it ends.
_TEST_VAR = tempfile.mkdtemp(prefix="loa-tests-")
atexit.register(shutil.rmtree, _TEST_VAR, ignore_errors=True)
os.environ["LOA_VAR_DIR"] = _TEST_VAR
os.environ["MEDIA_ROOT"] = os.path.join(_TEST_VAR, "media")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TEST_VAR}/loa.sqlite3")
# Tests run as a development instance whatever the local .env says, with no .env at all.
os.environ["LOA_ENV_FILE"] = ""
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
# Links in messages start with the site's address, as in production (tests of the development
# fallback clear it).
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("JOBS_BACKEND", "inline")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from loa.settings import *

# Connections are closed at the end of each request in tests: the live server's request threads
# would otherwise keep theirs for CONN_MAX_AGE seconds, and PostgreSQL would refuse to drop the
# test database while they are open.
DATABASES["default"]["CONN_MAX_AGE"] = 0
