"""Strict environment parsing: a bad value stops start-up with a message naming the variable.

Modelled on healthchecks' settings: read every setting from the environment, fall back to a
safe default for local development, and refuse anything that does not parse.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def load_env_file(path):
    """Read KEY=value lines from a local .env file into os.environ, never overriding real variables.

    `make setup` writes one for development (DEBUG on, a random SECRET_KEY); production sets real
    environment variables and has no such file.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=value, not {line!r}")
        os.environ.setdefault(key.strip(), value.strip().strip("\"'"))


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}")


def env_int(name, default, *, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name, default, choices):
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def database_from_url(url, *, base_dir):
    """Turn DATABASE_URL into a Django DATABASES entry; only SQLite and PostgreSQL are supported."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db or sqlite:////absolute/path.db
        path = unquote(parsed.path)
        if path.startswith("//"):
            path = path[1:]
        elif path.startswith("/"):
            path = str(base_dir / path[1:])
        if not path or path == "/":
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file name, e.g. sqlite:///loa.sqlite3")
        # Tests use a file too: an in-memory database shares one cache whose table locks ignore
        # the busy timeout, so concurrency tests (two workers at once) would fail spuriously.
        test_path = str(Path(path).with_name("test_" + Path(path).name))
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "TEST": {"NAME": test_path}}
    if parsed.scheme in ("postgres", "postgresql"):
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name")
        db = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
        test_name = os.environ.get("LOA_TEST_DB_NAME")
        if test_name:
            db["TEST"] = {"NAME": test_name}
        return db
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {parsed.scheme or url!r}"
    )
