"""Strict environment parsing: a bad value stops start-up with a message naming the variable.

Modelled on healthchecks' settings: read every setting from the environment, fall back to a
safe default for local development, and refuse anything that does not parse.
"""

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_env_file(path):
    """KEY=value lines of an environment file (the development .env, deploy/loa.env.example)."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=value, not {line!r}")
        values[key.strip()] = value.strip().strip("\"'")
    return values


def load_development_env_file(path):
    """Read the development .env into os.environ, never overriding real variables.

    `make setup` writes one (DEBUG on, a random SECRET_KEY, e-mails printed). It is a development
    file only: when the real environment turns DEBUG off (production: systemd's EnvironmentFile)
    it is not read at all, so none of its values (the console e-mail backend) can leak into a
    production process started from a checkout that once ran `make run`; and a .env that itself
    turns DEBUG off is refused, because production settings belong in the environment.
    """
    if not path or _is_false(os.environ.get("DEBUG")):
        return
    try:
        values = parse_env_file(path)
    except FileNotFoundError:
        return
    if "DEBUG" in values and _is_false(values["DEBUG"]):
        raise ImproperlyConfigured(
            f"{path} turns DEBUG off, but a .env file is read in development only. In production set the "
            "variables in the environment (deploy/loa.env.example, loaded by the systemd units) and remove "
            f"{path}."
        )
    for key, value in values.items():
        os.environ.setdefault(key, value)


def _is_false(raw):
    return raw is not None and raw.strip().lower() in _FALSE and raw.strip() != ""


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
            # Each gunicorn thread and Celery process keeps its connection for a minute: no new
            # connection (and authentication) per request. A connection kept across a PostgreSQL
            # restart or a standby's promotion is dead: the health check (one round trip at the
            # start of a request that reuses it) replaces it instead of failing that request.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
        test_name = os.environ.get("LOA_TEST_DB_NAME")
        if test_name:
            db["TEST"] = {"NAME": test_name}
        return db
    raise ImproperlyConfigured(f"DATABASE_URL must start with sqlite:// or postgres://, not {parsed.scheme or url!r}")


# What STORAGE_URL's query may say, and the django-storages option each one sets.
_STORAGE_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
    "prefix": "location",
}


def storage_from_url(url):
    """Turn STORAGE_URL into Django's STORAGES["default"]: local disk when empty, else S3-compatible
    object storage, `s3://bucket?endpoint_url=https://…&region=…&addressing_style=path&prefix=loa`.

    The keys never go in the URL (it is printed in errors and shown by `ps` in some set-ups): boto3
    reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment. The errors below never
    repeat the URL for the same reason.
    """
    if not url:
        return {"BACKEND": "loa.core.storage.LocalStorage"}
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.hostname or parsed.path not in ("", "/"):
        raise ImproperlyConfigured(
            "STORAGE_URL must look like s3://bucket?endpoint_url=https://s3.example.vn&region=… (a bucket name, no path)"
        )
    if parsed.username or parsed.password:
        raise ImproperlyConfigured(
            "STORAGE_URL must not hold keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment"
        )
    options = {"bucket_name": parsed.netloc}
    try:
        query = parse_qs(parsed.query, keep_blank_values=True, strict_parsing=bool(parsed.query))
    except ValueError:
        query = {"?": []}  # refused just below
    for key, values in query.items():
        if key not in _STORAGE_OPTIONS or len(values) != 1 or not values[0]:
            raise ImproperlyConfigured(
                f"STORAGE_URL may say {', '.join(sorted(_STORAGE_OPTIONS))} once each, with a value; not {key!r}"
            )
        options[_STORAGE_OPTIONS[key]] = values[0]
    endpoint = urlparse(options.get("endpoint_url", "https://s3.amazonaws.com"))
    if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
        raise ImproperlyConfigured("STORAGE_URL's endpoint_url must be an http(s) address, e.g. https://s3.example.vn")
    if options.get("addressing_style", "path") not in ("path", "virtual", "auto"):
        raise ImproperlyConfigured("STORAGE_URL's addressing_style must be path, virtual or auto")
    return {"BACKEND": "loa.core.storage.ObjectStorage", "OPTIONS": options}


def env_site_url(name):
    """An http(s) origin without a trailing slash ("https://loa.ldld.vn"), or "" when unset."""
    raw = os.environ.get(name, "").strip().rstrip("/")
    if not raw:
        return ""
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.path or parsed.query:
        raise ImproperlyConfigured(f"{name} must be an address like https://loa.example.vn (no path), not {raw!r}")
    return raw


def env_proxy_ssl_header(name):
    """ "X-Forwarded-Proto" -> ("HTTP_X_FORWARDED_PROTO", "https"), Django's SECURE_PROXY_SSL_HEADER; None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not all(part.isalnum() for part in raw.split("-")):
        raise ImproperlyConfigured(f"{name} must be a header name such as X-Forwarded-Proto, not {raw!r}")
    return ("HTTP_" + raw.upper().replace("-", "_"), "https")


def main(argv):
    """`python -m loa.env FILE program args…`: run a Python program with FILE's variables added to
    the environment (deploy/loa-manage, for commands run by hand as the services run)."""
    if len(argv) < 2:
        raise SystemExit("usage: python -m loa.env ENV_FILE program.py [args…]")
    try:
        values = parse_env_file(Path(argv[0]))
    except (OSError, ImproperlyConfigured) as exc:
        raise SystemExit(f"Cannot read {argv[0]}: {exc}") from None
    os.environ.update(values)
    os.execv(sys.executable, [sys.executable, *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
