"""Loa's one settings module. Every value comes from the environment; see docs/configuration.md."""

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from loa.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_site_url,
    env_str,
    load_development_env_file,
    storage_from_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# The development .env (written by `make setup`); never read when the environment turns DEBUG off.
_env_file = env_str("LOA_ENV_FILE", str(BASE_DIR / ".env"))
load_development_env_file(Path(_env_file) if _env_file else None)
VAR_DIR = Path(env_str("LOA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "loa-insecure-development-key-do-not-use-in-production"
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or "change-me" in SECRET_KEY):
    # Sessions, one-tap links and password resets are signed with it: a guessable key forges them.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

# The address people open Loa at. Every absolute link (e-mails, Zalo messages, QR posters, score
# evidence) starts with it, so production must say it; in development a link made while serving a
# request uses that request's own host (loa.core.site).
SITE_URL = env_site_url("SITE_URL")
if not SITE_URL and not DEBUG:
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off: the https:// address people open Loa at (e.g. https://loa.ldld.vn)"
    )
_site_host = urlparse(SITE_URL).hostname if SITE_URL else None
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_site_host] if _site_host else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL] if SITE_URL else [])

# Behind a TLS proxy (deploy/nginx/loa.conf): the header the proxy sets to say the request came
# over HTTPS. Set it only when a proxy you run rewrites that header on every request.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Load balancers and monitors may ask for /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/web)?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Proxies in front of Loa whose X-Forwarded-For is believed: a count ("1": the nginx on this
# machine) or addresses and CIDRs. The client's address is taken from it everywhere (log-in
# throttle, logs, click counts); without it, REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    # Two-factor sign-in (TOTP apps, one-use recovery codes): docs/accounts.md.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "loa.core",
    "loa.audit",
    "loa.units",
    "loa.accounts",
    "loa.notifications",
    "loa.jobs",
    "loa.ops",
    "loa.exports",
    "loa.documents",
    "loa.api",
    "loa.fanpages",
    "loa.directives",
    "loa.integrations",
    "loa.demo",
    "loa.articles",
    "loa.scoring",
    "loa.sharing",
    "loa.imports",
    # Pages that combine the areas: the home page's to-do list (it reads every area; none reads it).
    "loa.todo",
]

MIDDLEWARE = [
    "loa.core.logs.RequestIdMiddleware",
    # Text answers compressed (loa/core/compression.py): outermost but for the request id, so that
    # every answer, JSON errors included, leaves compressed.
    "loa.core.compression.TextGZipMiddleware",
    # Content-Security-Policy (nothing inline, nothing from elsewhere) on every page Loa answers.
    "loa.core.security_headers.SecurityHeadersMiddleware",
    # Every error answer under /api/ is JSON, whatever produced it (loa/api/fallback.py).
    "loa.api.fallback.ApiErrorsMiddleware",
    "loa.core.request_limits.RequestSizeLimitMiddleware",
    # A file storage that fails answers a Vietnamese 503, not a 500 (loa/core/storage_down.py).
    "loa.core.storage_down.StorageDownMiddleware",
    "loa.core.client_ip.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "loa.core.site.RequestOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "loa.core.controls.InputCleaningMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # One-tap sessions reach their report only; a session owing a two-factor set-up, that page only.
    "loa.accounts.session_scope.SessionScopeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "loa.urls"
WSGI_APPLICATION = "loa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "loa.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL", "sqlite:///var/loa.sqlite3")
DATABASES = {"default": database_from_url(DATABASE_URL, base_dir=BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the background worker write while pages read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT: PostgreSQL compiles a plan once its estimated cost passes jit_above_cost, which pays for
    # long reports, not for pages. The Fanpage table of a past year over 130,000 units spent 1.2 s of its
    # 2.8 s compiling (docs/performance.md, "Growth").
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed log-ins allowed per client address and user name in LOGIN_THROTTLE_WINDOW seconds, and
# per client address whatever the user names (password spraying); see docs/accounts.md.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5, minimum=1)
LOGIN_THROTTLE_ADDRESS_ATTEMPTS = env_int("LOGIN_THROTTLE_ADDRESS_ATTEMPTS", 4 * LOGIN_THROTTLE_ATTEMPTS, minimum=1)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 900, minimum=1)
# Seconds an invitation link and a password-reset link stay valid (each works once).
INVITE_MAX_AGE = env_int("INVITE_MAX_AGE", 7 * 24 * 3600, minimum=60)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600, minimum=60)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)
# A reminder's one-tap link signs the officer in for that unit's report only, for this many
# seconds (a forwarded message must not open the whole account for two weeks).
ONETAP_SESSION_SECONDS = env_int("ONETAP_SESSION_SECONDS", 4 * 3600, minimum=60)
# Changing e-mail, phone, password, roles or two-factor sign-in, and issuing API tokens, ask for the
# password again unless it was entered within this many seconds.
REAUTH_SECONDS = env_int("REAUTH_SECONDS", 10 * 60, minimum=30)
# Users whose roles manage units or users must set up two-factor sign-in at their next log-in.
OTP_REQUIRED_FOR_MANAGERS = env_bool("OTP_REQUIRED_FOR_MANAGERS", False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Loa"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["loa.formats"]
# Django's own messages its Vietnamese catalogue lacks (loa/locale/vi/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "loa" / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files under MEDIA_ROOT are never served directly: a view authorises each download
# (loa/core/files.py). Behind nginx, this is the prefix of its `internal` location aliasing
# MEDIA_ROOT (deploy/nginx/loa.conf): Loa answers with X-Accel-Redirect and nginx sends the bytes.
# Empty: Django sends them itself.
FILES_X_ACCEL_PREFIX = env_str("FILES_X_ACCEL_PREFIX")
if FILES_X_ACCEL_PREFIX and not re.fullmatch(r"/[A-Za-z0-9_./-]*/", FILES_X_ACCEL_PREFIX):
    raise ImproperlyConfigured(
        f"FILES_X_ACCEL_PREFIX must be an nginx location path that starts and ends with /, e.g. /_protected/, "
        f"not {FILES_X_ACCEL_PREFIX!r}"
    )
# Kept files (attachments, photos, returned forms, job files…): MEDIA_ROOT on this disk, or, with
# STORAGE_URL, a bucket of S3-compatible object storage that every web server and worker reaches
# (loa/core/storage.py). Its keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
STORAGE_URL = env_str("STORAGE_URL")
STORAGES = {
    "default": storage_from_url(STORAGE_URL),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: the largest file Loa takes. Every request limit follows from it (loa.core.request_limits):
# a bigger body is refused with a 413 before it is read, and nginx's client_max_body_size matches.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# …plus room for the form fields, boundaries and headers around the largest file.
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "loa.core.request_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Every uploaded file is parsed in a child process (loa/core/sandbox.py) that may use this much more
# memory than it starts with, this much CPU time, and this long before the worker kills it. A
# 130,000-row unit list needs about 200 MB and 3 s of CPU; a hostile file is stopped at the limit.
PARSE_MEMORY_MB = env_int("PARSE_MEMORY_MB", 512, minimum=64)
PARSE_CPU_SECONDS = env_int("PARSE_CPU_SECONDS", 30, minimum=1)
PARSE_TIMEOUT_SECONDS = env_int("PARSE_TIMEOUT_SECONDS", 60, minimum=1)
# Photos and scans of paper forms are read with Tesseract in the same child (loa/core/ocr.py): at most
# this many pages of a PDF, about 3 s each, all within PARSE_TIMEOUT_SECONDS.
OCR_MAX_PAGES = env_int("OCR_MAX_PAGES", 3, minimum=1)

# E-mail goes out over SMTP from the notification outbox, never from a request.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Loa <loa@localhost>")
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5, minimum=1)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 300, minimum=1)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
OUTBOX_CLAIM_TIMEOUT = env_int("OUTBOX_CLAIM_TIMEOUT", 900, minimum=30)

# Background work: Celery with Redis in production; without a broker, jobs wait in the
# database for `manage.py run_jobs` ("inline" runs them at once, used by the tests).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
JOBS_BACKEND = env_choice(
    "JOBS_BACKEND", "celery" if CELERY_BROKER_URL else "database", ("celery", "database", "inline")
)
if JOBS_BACKEND == "celery" and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("JOBS_BACKEND=celery needs CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
# Files with more rows than this are imported in the background with a progress bar.
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 2000, minimum=0)
# A running job holds a lease that its worker's heartbeat renews every quarter of it; a job whose
# lease ran out (its worker was killed, ran out of memory, lost its machine) is run again, up to
# JOB_MAX_ATTEMPTS runs in all, then marked failed (loa/jobs/leases.py).
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 300, minimum=30)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)
# Uploaded job files (unit lists with phones and e-mails) are deleted this long after their jobs finished.
JOB_FILES_KEEP_DAYS = env_int("JOB_FILES_KEEP_DAYS", 30, minimum=1)
# Directives sent to more units than this are issued in the background with a progress page.
ISSUE_INLINE_MAX_RECIPIENTS = env_int("ISSUE_INLINE_MAX_RECIPIENTS", 2000, minimum=0)
# An item to share counts as shared on time when shared within this many days of being asked (the
# day it was asked is day 0): the share rate of the classification (loa/sharing).
SHARING_ON_TIME_DAYS = env_int("SHARING_ON_TIME_DAYS", 2, minimum=0)
# Official sites' feeds (loa/sharing/feeds.py): seconds a fetch may take, the largest body read,
# and the days an approved entry stays active by default (from the day it is approved).
SHARING_FEED_TIMEOUT = env_int("SHARING_FEED_TIMEOUT", 15, minimum=1)
SHARING_FEED_MAX_BYTES = env_int("SHARING_FEED_MAX_BYTES", 2_000_000, minimum=10_000)
SHARING_FEED_ITEM_DAYS = env_int("SHARING_FEED_ITEM_DAYS", 3, minimum=1)
# An item made from a Loa publication in one tap (and a new item's form) is shared for this many days,
# today included; the editor may change its days.
SHARING_ITEM_DAYS = env_int("SHARING_ITEM_DAYS", 7, minimum=1)
# The tracked links /s/<code> (loa/sharing/links.py, clicks.py): how long the cache keeps a code's
# address (an item's edited address reaches every click within this), and how often Celery beat
# moves the clicks counted in the cache into the database (clicks show in the figures that late).
SHARING_LINK_CACHE_SECONDS = env_int("SHARING_LINK_CACHE_SECONDS", 300, minimum=1)
SHARING_CLICKS_FLUSH_SECONDS = env_int("SHARING_CLICKS_FLUSH_SECONDS", 60, minimum=10)

CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that does not answer costs a request 2 s, not a hung gunicorn thread.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With Redis, sessions are read from it and written through to PostgreSQL: no database query per
# page for the session, and a Redis restart signs nobody out. A Redis that does not answer is a
# cache miss, never an error (loa/accounts/sessions.py). Without Redis, database sessions.
SESSION_ENGINE = "loa.accounts.sessions" if CACHE_URL else "django.contrib.sessions.backends.db"

# Zalo Official Account (ZNS) and the Facebook Graph API; see docs/integrations.md.
ZALO_APP_ID = env_str("ZALO_APP_ID")
ZALO_APP_SECRET = env_str("ZALO_APP_SECRET")
ZALO_OAUTH_URL = env_str("ZALO_OAUTH_URL", "https://oauth.zaloapp.com/v4").rstrip("/")
# The approved ZNS template for report reminders (parameters: unit, task, deadline, link); empty: e-mail only.
ZALO_TEMPLATE_REMINDER = env_str("ZALO_TEMPLATE_REMINDER")
ZALO_API_URL = env_str("ZALO_API_URL", "https://business.openapi.zalo.me").rstrip("/")
FACEBOOK_GRAPH_URL = env_str("FACEBOOK_GRAPH_URL", "https://graph.facebook.com").rstrip("/")
FACEBOOK_GRAPH_VERSION = env_str("FACEBOOK_GRAPH_VERSION", "v25.0")
# An app token with the Page Public Metadata Access feature: returned forms without the Page's address
# get it from the Pages Search API by the Page's name. Empty: no look-up.
FACEBOOK_SEARCH_TOKEN = env_str("FACEBOOK_SEARCH_TOKEN", "").strip()
if not re.fullmatch(r"v\d+\.\d+", FACEBOOK_GRAPH_VERSION):
    raise ImproperlyConfigured(f"FACEBOOK_GRAPH_VERSION must look like v25.0, not {FACEBOOK_GRAPH_VERSION!r}")
# Seconds to wait for Zalo or Facebook before giving up on one request.
# Pages read at once by `fanpages_sync` (each thread only talks to Graph; the usage budget is shared).
FANPAGES_SYNC_WORKERS = env_int("FANPAGES_SYNC_WORKERS", 4, minimum=1)
# Posts and posting days of the years more than this many years before the current one are deleted by
# `manage.py prune_posting_days` (their PostingYear figures stay: loa/fanpages/retention.py); 0 keeps all.
POSTING_DAYS_KEEP_YEARS = env_int("POSTING_DAYS_KEEP_YEARS", 0, minimum=0)
INTEGRATIONS_TIMEOUT = env_int("INTEGRATIONS_TIMEOUT", 20, minimum=1)
# Fernet key(s) for tokens stored in the database, comma-separated: the first encrypts, all decrypt.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off (see docs/integrations.md)")
    FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(
        hashlib.sha256(b"loa-field-key:" + SECRET_KEY.encode()).digest()
    ).decode()
for _key in FIELD_ENCRYPTION_KEY.split(","):
    try:
        if len(base64.urlsafe_b64decode(_key.strip().encode())) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), comma-separated"
        ) from None

# LOG_FORMAT=json: one JSON object a line with the request id and user id (loa.core.logs); every
# format masks secret link parts, tokens, passwords and phone numbers.
# /healthz answers 503 when the oldest waiting job or outbox message has waited longer than this.
HEALTHZ_MAX_WAIT = env_int("HEALTHZ_MAX_WAIT", 900, minimum=1)
LOG_FORMAT = env_choice("LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "loa.core.logs.RequestContextFilter"},
        "redact": {"()": "loa.core.logs.RedactingFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "loa.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context", "redact"]},
    },
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))},
}

# Articles: whether an accepted (not yet published) piece already counts toward its unit's quota.
# Changing it needs `manage.py articles_rebuild` to recount (see docs/articles.md).
ARTICLES_COUNT_ACCEPTED = env_bool("ARTICLES_COUNT_ACCEPTED", False)

# Loa refuses to build the demo scenario unless this is a development instance.
DEMO_PASSWORD = "loa-demo"
