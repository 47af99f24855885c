"""Settings for the essay blog, read from the environment (12-factor).

With no variables set this is a local development site: DEBUG on, SQLite under var/, local-memory
cache, console email. Production is any run with DEBUG off, and it refuses to start without a real
SECRET_KEY and ALLOWED_HOSTS.
"""

import json
import os
from datetime import timedelta
from email.utils import formataddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(exist_ok=True)  # SQLite creates its file but not the folder it lives in.


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("DEBUG", True)

# Only a development site may fall back to this key; it is never used with DEBUG off.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if not DEBUG else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

if not DEBUG:
    if len(SECRET_KEY) < 32 or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random string of at least 32 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is off: set ALLOWED_HOSTS to the site's host names (comma-separated)."
        )

SITE_NAME = os.environ.get("SITE_NAME", "The Essay Review")
# Absolute links in emails (there is no request to build them from when mail is sent).
# In development it follows PORT (`PORT=8080 make run`), so links in reply emails work.
SITE_URL = os.environ.get(
    "SITE_URL", f"http://localhost:{os.environ.get('PORT', '8000')}" if DEBUG else ""
).rstrip("/")
if not DEBUG and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "DEBUG is off: set SITE_URL to the site's address, e.g. https://blog.example.org "
        "(used in emails and as the stable id of feed entries)."
    )
# The admin lives at a configurable path; a less obvious one cuts down on drive-by login attempts.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "crispy_forms",
    "crispy_bootstrap5",
    "reversion",
    "axes",
    "core",  # before django_tasks_db: its db_worker command adds the outbox sweep
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
]

MIDDLEWARE = [
    # /healthz and /readyz for load balancers: before host checks, redirects and caches.
    "core.health.HealthCheckMiddleware",
    # Bodies over the limit → 413 before anything reads them (core/limits.py).
    "core.limits.RequestBodyLimitMiddleware",
    "core.proxy.ForwardedForWatchMiddleware",  # warns once: a proxy, TRUSTED_PROXY_COUNT=0
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get these headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Shared pages (core/edge/pages.py): drops the session's `Vary: Cookie` on the way out.
    "core.edge.middleware.SharedResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.limits.AdminBodyLimitMiddleware",  # the admin's upload allowance: staff only
    # Non-UTF-8 form bodies → a plain 400, before CSRF's check (or a view) reads request.POST;
    # after the body limit, so an anonymous oversized body is refused, not read.
    "core.middleware.FormEncodingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Security headers on every response (README "Security and operations").
# Content-Security-Policy (django-csp): scripts only from this site, never inline; styles may be
# inline (the admin uses style attributes); nothing may frame the site.
CSP_EXTRA_IMG_SRC = env_list("CSP_EXTRA_IMG_SRC", [])  # e.g. the S3 media origin
# Posts imported from Blogger without --copy-images keep showing pictures from Blogger's servers.
BLOGGER_IMAGE_HOSTS = ["https://*.bp.blogspot.com", "https://*.googleusercontent.com"]
# Imported videos play, after a reader's click, from the privacy-enhanced players (embeds.js).
VIDEO_FRAME_SRC = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *BLOGGER_IMAGE_HOSTS, *CSP_EXTRA_IMG_SRC],
        "frame-src": VIDEO_FRAME_SRC,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "interest-cohort",
    )
}  # fmt: skip
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: pages work without JavaScript
CSRF_COOKIE_SAMESITE = "Lax"

# Admin login brute-force protection (django-axes): 5 failed sign-ins from one address, whatever
# the usernames tried, lock that address out for 15 minutes (HTTP 429); success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "comments.throttle.client_ip"
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# SQLite under var/ by default; DATABASE_URL=postgres://… for PostgreSQL. Persistent connections
# matter: without them PostgreSQL pages were measured about 3x slower on these machines.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that drops packets costs /readyz and readers seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so two processes writing at once
    # (runserver and db_worker in `make run`) wait for each other instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; Redis in production. If Redis is down or hangs the site keeps
# serving: 100 ms socket timeouts, no retries, and after a failure Redis is skipped (each process
# using its own memory) for CACHE_BREAKER_SECONDS before one request tries it again (core/cache.py).
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": 0.1,
                "socket_timeout": 0.1,
                "circuit_breaker_seconds": float(os.environ.get("CACHE_BREAKER_SECONDS", "5")),
            },
        }
        if (REDIS_URL := os.environ.get("REDIS_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Anonymous pages are shared (core/edge/): the origin keeps each for at most PAGE_CACHE_SECONDS
# (0: not at all), and tells caches in front `s-maxage=EDGE_MAX_AGE,
# stale-while-revalidate=EDGE_STALE_SECONDS`. Changes purge exactly the pages they affect, so
# these only bound how long a lost purge could leave a page stale.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
EDGE_MAX_AGE = int(os.environ.get("EDGE_MAX_AGE", "300"))
EDGE_STALE_SECONDS = int(os.environ.get("EDGE_STALE_SECONDS", "30"))
# A session holding any of these is personal: its pages are never shared.
PAGE_CACHE_PERSONAL_SESSION_KEYS = ("_auth_user_id", "my_comments", "_messages")
# When pages next change with no write (a scheduled essay goes live, comments close).
EDGE_NEXT_CHANGE = "articles.edge.next_timed_change"
# The cache in front whose pages are purged (core/edge/backends.py): varnish, cloudflare,
# fastly, cloudfront or none. README "Speed: caching at the edge" lists each one's variables.
EDGE_CACHE = {
    "BACKEND": os.environ.get("EDGE_CACHE_BACKEND", ""),
    "LOCATIONS": env_list("VARNISH_URLS", ["http://127.0.0.1:6081"]),
    "TOKEN": os.environ.get("VARNISH_PURGE_TOKEN", ""),
    "ZONE_ID": os.environ.get("CLOUDFLARE_ZONE_ID", ""),
    "SERVICE_ID": os.environ.get("FASTLY_SERVICE_ID", ""),
    "API_TOKEN": os.environ.get("CLOUDFLARE_API_TOKEN") or os.environ.get("FASTLY_API_TOKEN", ""),
    "DISTRIBUTION_ID": os.environ.get("CLOUDFRONT_DISTRIBUTION_ID", ""),
}
EDGE_PURGE_ATTEMPTS = int(os.environ.get("EDGE_PURGE_ATTEMPTS", "10"))  # 5 s doubling: ~1.4 h

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP server may take to answer before the send counts as failed and is retried.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_GIVE_UP_HOURS = int(os.environ.get("EMAIL_GIVE_UP_HOURS", "72"))  # then marked failed
EMAIL_RETRY_SECONDS = int(os.environ.get("EMAIL_RETRY_SECONDS", "30"))  # first backoff, doubling
EMAIL_SEND_LEASE_SECONDS = int(os.environ.get("EMAIL_SEND_LEASE_SECONDS", "0"))  # 0: 12×timeout

# Background work (django-tasks, database backend): email, image renditions, purges. Run the
# worker with `python manage.py db_worker` (README "Security and operations").
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
TASK_SWEEP_SECONDS = float(os.environ.get("TASK_SWEEP_SECONDS", "30"))
TASK_STALE_MINUTES = int(os.environ.get("TASK_STALE_MINUTES", "60"))
# /readyz says "not ready" when a due task has waited longer than this (is db_worker running?).
TASK_MAX_LAG_SECONDS = int(os.environ.get("TASK_MAX_LAG_SECONDS", "300"))
TASK_KEEP_DAYS = int(os.environ.get("TASK_KEEP_DAYS", "14"))  # finished tasks and sent emails
# Tasks the worker enqueues on a timer: dotted path → every how many seconds.
PERIODIC_TASKS = {
    "comments.tasks.send_moderator_digests": 300,
    "articles.tasks.render_missing_renditions": 600,
}
# Mail comes from the site by name, at its own host: "The Essay Review <noreply@blog.example.org>".
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or formataddr(
    (SITE_NAME, f"noreply@{urlsplit(SITE_URL).hostname or 'localhost'}")
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Uploads and renditions go through this backend; e.g. for S3-compatible storage set
    # MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and its OPTIONS as JSON (README).
    "default": {
        "BACKEND": os.environ.get(
            "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    # Hashed, compressed names need `collectstatic`, so only production uses them.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMAGE_MAX_UPLOAD_MB = int(os.environ.get("IMAGE_MAX_UPLOAD_MB", "15"))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", "40000000"))
# Request bodies (core/limits.py; deploy/nginx.conf has the same): the admin takes an upload plus
# its form, everything else (a comment is at most ~60 KB encoded) the small limit.
ADMIN_MAX_BODY_MB = int(os.environ.get("ADMIN_MAX_BODY_MB", str(IMAGE_MAX_UPLOAD_MB + 1)))
REQUEST_MAX_BODY_KB = int(os.environ.get("REQUEST_MAX_BODY_KB", "64"))
IMAGE_RENDITION_WIDTHS = (480, 960, 1600)
# Text-search configuration (PostgreSQL): stemming language of the essays. Searches use a copy
# of it that also folds accents (articles/search.py CONFIG, made by migration 0016); after
# changing it run `manage.py rebuild_search_index`. SQLite's FTS5 stems English (porter) always.
SEARCH_CONFIG = os.environ.get("SEARCH_CONFIG", "english")
# Feeds carry the whole essay (true) or the standfirst only (false).
FEED_FULL_CONTENT = env_bool("FEED_FULL_CONTENT", False)
# Anchors for bench/run only (config/bench.py); off everywhere else.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
ARTICLES_PER_PAGE = int(os.environ.get("ARTICLES_PER_PAGE", "10"))
# Words per minute for the reading time shown on every essay.
READING_WORDS_PER_MINUTE = 230

# Comments: see "Moderation settings" in the README.
COMMENTS_MODERATION = os.environ.get("COMMENTS_MODERATION", "hold_all")
if COMMENTS_MODERATION not in {"hold_all", "hold_first_time", "approve_all"}:
    raise ImproperlyConfigured(
        "COMMENTS_MODERATION must be hold_all, hold_first_time or approve_all."
    )
COMMENTS_MAX_LENGTH = int(os.environ.get("COMMENTS_MAX_LENGTH", "5000"))
COMMENTS_MAX_DEPTH = int(os.environ.get("COMMENTS_MAX_DEPTH", "3"))
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "0"))
COMMENTS_RATE_LIMIT = os.environ.get("COMMENTS_RATE_LIMIT", "5/10m")
COMMENTS_MAX_LINKS = int(os.environ.get("COMMENTS_MAX_LINKS", "2"))
COMMENTS_MIN_SECONDS = int(os.environ.get("COMMENTS_MIN_SECONDS", "3"))
COMMENTS_FORM_MAX_AGE_HOURS = int(os.environ.get("COMMENTS_FORM_MAX_AGE_HOURS", "24"))
COMMENTS_DUPLICATE_WINDOW_HOURS = int(os.environ.get("COMMENTS_DUPLICATE_WINDOW_HOURS", "24"))
COMMENTS_NOTIFY_EMAILS = env_list("COMMENTS_NOTIFY_EMAILS", [])
# Moderators who choose a digest get one email at most every this many hours.
COMMENTS_DIGEST_HOURS = int(os.environ.get("COMMENTS_DIGEST_HOURS", "24"))
# A reply's email to the commenter it answers waits this long after approval, so a moderator's
# undo can still recall it (0: at once).
COMMENTS_REPLY_NOTICE_DELAY_SECONDS = int(
    os.environ.get("COMMENTS_REPLY_NOTICE_DELAY_SECONDS", "120")
)
# Days to keep commenters' IP addresses and user agents (purge_comment_ips); 0 keeps them.
COMMENTS_IP_RETENTION_DAYS = int(os.environ.get("COMMENTS_IP_RETENTION_DAYS", "90"))
# Behind a reverse proxy, the client address is the Nth address from the right of
# X-Forwarded-For (1 for one proxy). 0 trusts no header and uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
