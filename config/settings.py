"""Settings for the essay blog, read from the environment (12-factor).

With no variables set this is a local development site: DEBUG on, SQLite under var/, local-memory
cache, console email. Production is any run with DEBUG off, and it refuses to start without a real
SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from email.utils import formataddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# One typed reader for every variable (core/env.py): a bad value stops start-up with an error
# naming the variable. Not django-environ: it raises a bare ValueError on a bad number and reads
# any unknown word as false; this keeps each default and says which variable is wrong.
from core import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(exist_ok=True)  # SQLite creates its file but not the folder it lives in.


DEBUG = env.boolean("DEBUG", True)

# Only a development site may fall back to this key; it is never used with DEBUG off.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.string("SECRET_KEY", "" if not DEBUG else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

if not DEBUG:
    if len(SECRET_KEY) < 32 or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random string of at least 32 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is off: set ALLOWED_HOSTS to the site's host names (comma-separated)."
        )

SITE_NAME = env.string("SITE_NAME", "The Essay Review")
# Absolute links in emails (there is no request to build them from when mail is sent).
# In development it follows PORT (`PORT=8080 make run`), so links in reply emails work.
SITE_URL = env.string(
    "SITE_URL", f"http://localhost:{env.integer('PORT', 8000)}" if DEBUG else ""
).rstrip("/")
if not DEBUG and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "DEBUG is off: set SITE_URL to the site's address, e.g. https://blog.example.org "
        "(used in emails and as the stable id of feed entries)."
    )
# The admin lives at a configurable path; a less obvious one cuts down on drive-by login attempts.
ADMIN_URL = env.string("ADMIN_URL", "admin/").strip("/") + "/"

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
    "demo",  # load_demo and generate_load_data
    "exports",  # export_site, import_archive and the admin's "Download export"
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
CSP_EXTRA_IMG_SRC = env.strings("CSP_EXTRA_IMG_SRC", [])  # e.g. the S3 media origin
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
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip"
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
                "core.context_processors.site",
                "articles.context_processors.footer_pages",
            ],
        },
    },
]

# SQLite under var/ by default; DATABASE_URL=postgres://… for PostgreSQL. Persistent connections
# matter: without them PostgreSQL pages were measured about 3x slower on these machines.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env.integer("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that drops packets costs /readyz and readers seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.integer("DATABASE_CONNECT_TIMEOUT", 5)
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
                "circuit_breaker_seconds": env.number("CACHE_BREAKER_SECONDS", 5.0),
            },
        }
        if (REDIS_URL := env.string("REDIS_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Anonymous pages are shared (core/edge/): the origin keeps each for at most PAGE_CACHE_SECONDS
# (0: not at all), and tells caches in front `s-maxage=EDGE_MAX_AGE,
# stale-while-revalidate=EDGE_STALE_SECONDS`. Changes purge exactly the pages they affect, so
# these only bound how long a lost purge could leave a page stale. A process with
# PAGE_CACHE_SECONDS=0 and no EDGE_CACHE_BACKEND purges nothing (core.edge.purge.needed): give
# the web processes, the worker and commands the same values.
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS", 300)
EDGE_MAX_AGE = env.integer("EDGE_MAX_AGE", 300)
EDGE_STALE_SECONDS = env.integer("EDGE_STALE_SECONDS", 30)
# A session holding any of these is personal: its pages are never shared.
PAGE_CACHE_PERSONAL_SESSION_KEYS = ("_auth_user_id", "my_comments", "_messages")
# When pages next change with no write (a scheduled essay goes live, comments close).
EDGE_NEXT_CHANGE = "articles.edge.next_timed_change"
# The cache in front whose pages are purged (core/edge/backends.py): varnish, cloudflare,
# fastly, cloudfront or none. README "Speed: caching at the edge" lists each one's variables.
EDGE_CACHE = {
    "BACKEND": env.string("EDGE_CACHE_BACKEND", ""),
    "LOCATIONS": env.strings("VARNISH_URLS", ["http://127.0.0.1:6081"]),
    "TOKEN": env.string("VARNISH_PURGE_TOKEN", ""),
    "ZONE_ID": env.string("CLOUDFLARE_ZONE_ID", ""),
    "SERVICE_ID": env.string("FASTLY_SERVICE_ID", ""),
    "API_TOKEN": env.string("CLOUDFLARE_API_TOKEN") or env.string("FASTLY_API_TOKEN"),
    "DISTRIBUTION_ID": env.string("CLOUDFRONT_DISTRIBUTION_ID", ""),
}
EDGE_PURGE_ATTEMPTS = env.integer("EDGE_PURGE_ATTEMPTS", 10)  # 5 s doubling: ~1.4 h

EMAIL_BACKEND = env.string(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
# Seconds an SMTP server may take to answer before the send counts as failed and is retried.
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 10)
EMAIL_GIVE_UP_HOURS = env.integer("EMAIL_GIVE_UP_HOURS", 72)  # then marked failed
EMAIL_RETRY_SECONDS = env.integer("EMAIL_RETRY_SECONDS", 30)  # first backoff, doubling
EMAIL_SEND_LEASE_SECONDS = env.integer("EMAIL_SEND_LEASE_SECONDS", 0)  # 0: 12×timeout

# Background work (django-tasks, database backend): email, image renditions, purges. Run the
# worker with `python manage.py db_worker` (README "Security and operations").
TASKS = {
    "default": {
        "BACKEND": env.string("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
TASK_SWEEP_SECONDS = env.number("TASK_SWEEP_SECONDS", 30.0)
TASK_STALE_MINUTES = env.integer("TASK_STALE_MINUTES", 60)
# /readyz says "not ready" when a due task has waited longer than this (is db_worker running?).
TASK_MAX_LAG_SECONDS = env.integer("TASK_MAX_LAG_SECONDS", 300)
TASK_KEEP_DAYS = env.integer("TASK_KEEP_DAYS", 14)  # finished tasks and sent emails
# Tasks the worker enqueues on a timer: dotted path → every how many seconds.
PERIODIC_TASKS = {
    "comments.tasks.send_moderator_digests": 300,
    "articles.tasks.render_missing_renditions": 600,
}
# Mail comes from the site by name, at its own host: "The Essay Review <noreply@blog.example.org>".
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL") or formataddr(
    (SITE_NAME, f"noreply@{urlsplit(SITE_URL).hostname or 'localhost'}")
)
SERVER_EMAIL = env.string("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.string("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.string("STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.string("MEDIA_ROOT") or VAR_DIR / "media")
# Site exports hold commenters' emails and addresses: never under MEDIA_ROOT or STATIC_ROOT
# (exports/checks.py refuses that); only the superusers' download view reads them.
EXPORTS_ROOT = Path(env.string("EXPORTS_ROOT") or VAR_DIR / "exports")
STORAGES = {
    # Uploads and renditions go through this backend; e.g. for S3-compatible storage set
    # MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and its OPTIONS as JSON (README).
    "default": {
        "BACKEND": env.string(
            "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json_value("MEDIA_STORAGE_OPTIONS", {}),
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

IMAGE_MAX_UPLOAD_MB = env.integer("IMAGE_MAX_UPLOAD_MB", 15)
IMAGE_MAX_PIXELS = env.integer("IMAGE_MAX_PIXELS", 40000000)
# Request bodies (core/limits.py; deploy/nginx.conf has the same): the admin takes an upload plus
# its form, everything else (a comment is at most ~60 KB encoded) the small limit.
ADMIN_MAX_BODY_MB = env.integer("ADMIN_MAX_BODY_MB", IMAGE_MAX_UPLOAD_MB + 1)
REQUEST_MAX_BODY_KB = env.integer("REQUEST_MAX_BODY_KB", 64)
IMAGE_RENDITION_WIDTHS = (480, 960, 1600)
# Text-search configuration (PostgreSQL): stemming language of the essays. Searches use a copy
# of it that also folds accents (articles/search.py CONFIG, made by migration 0016); after
# changing it run `manage.py rebuild_search_index`. SQLite's FTS5 stems English (porter) always.
SEARCH_CONFIG = env.string("SEARCH_CONFIG", "english")
# Feeds carry the whole essay (true) or the standfirst only (false).
FEED_FULL_CONTENT = env.boolean("FEED_FULL_CONTENT", False)
# Anchors for bench/run only (bench/endpoints.py); off everywhere else.
BENCH_ENDPOINTS = env.boolean("BENCH_ENDPOINTS", False)
ARTICLES_PER_PAGE = env.integer("ARTICLES_PER_PAGE", 10, minimum=1)
# Words per minute for the reading time shown on every essay.
READING_WORDS_PER_MINUTE = 230

# Comments: see "Moderation settings" in the README.
COMMENTS_MODERATION = env.choice(
    "COMMENTS_MODERATION", "hold_all", ("hold_all", "hold_first_time", "approve_all")
)
COMMENTS_MAX_LENGTH = env.integer("COMMENTS_MAX_LENGTH", 5000)
COMMENTS_MAX_DEPTH = env.integer("COMMENTS_MAX_DEPTH", 3)
COMMENTS_CLOSE_AFTER_DAYS = env.integer("COMMENTS_CLOSE_AFTER_DAYS", 0)
COMMENTS_RATE_LIMIT = env.string("COMMENTS_RATE_LIMIT", "5/10m")
COMMENTS_MAX_LINKS = env.integer("COMMENTS_MAX_LINKS", 2)
COMMENTS_MIN_SECONDS = env.integer("COMMENTS_MIN_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_HOURS = env.integer("COMMENTS_FORM_MAX_AGE_HOURS", 24)
COMMENTS_DUPLICATE_WINDOW_HOURS = env.integer("COMMENTS_DUPLICATE_WINDOW_HOURS", 24)
COMMENTS_NOTIFY_EMAILS = env.strings("COMMENTS_NOTIFY_EMAILS", [])
# Moderators who choose a digest get one email at most every this many hours.
COMMENTS_DIGEST_HOURS = env.integer("COMMENTS_DIGEST_HOURS", 24)
# A reply's email to the commenter it answers waits this long after approval, so a moderator's
# undo can still recall it (0: at once).
COMMENTS_REPLY_NOTICE_DELAY_SECONDS = env.integer("COMMENTS_REPLY_NOTICE_DELAY_SECONDS", 120)
# Days to keep commenters' IP addresses and user agents (purge_comment_ips); 0 keeps them.
COMMENTS_IP_RETENTION_DAYS = env.integer("COMMENTS_IP_RETENTION_DAYS", 90)
# Behind a reverse proxy, the client address is the Nth address from the right of
# X-Forwarded-For (1 for one proxy). 0 trusts no header and uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
}
