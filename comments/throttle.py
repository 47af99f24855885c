"""Who is posting, and whether they may post again: the per-address limit and duplicates."""

import hashlib
import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django_ratelimit.core import _get_window, _make_cache_key, _split_rate, get_usage

from core.cache import CacheUnavailable

from .models import Comment

logger = logging.getLogger(__name__)
DUPLICATE_LOCK_CLASS = 0x636D  # "cm": comments' duplicate-text claims


def client_ip(request) -> str | None:
    """The reader's address; behind TRUSTED_PROXY_COUNT proxies, taken from X-Forwarded-For.

    Anything that is not a valid IP address is ignored, so it is never stored or used as a key.
    """
    candidates = []
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops:
            candidates.append(forwarded[-hops])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


UNLIMITED = {"count": 0, "limit": 1, "should_limit": False, "time_left": 0}
GROUP = "comments.post"
COUNTED = "_comment_rate_key"  # the counter this request added one to (see give_back)


def rate_key(req) -> str:
    return client_ip(req) or "unknown"


def rate_usage(request, *, count: bool) -> dict:
    """The per-address comment allowance (django-ratelimit, counted in Django's cache).

    With `count`, the counter is incremented atomically, so concurrent posts cannot all pass;
    the request remembers which counter it was, for give_back().
    If the cache is down, comments are still accepted (the other spam rules still apply).
    """
    try:
        if count:
            # The counter get_usage() is about to increment. Should its window end in between,
            # give_back() lowers the old, expiring counter: harmless, just no refund.
            setattr(request, COUNTED, counter_key(request))
        usage = get_usage(
            request,
            group=GROUP,
            key=lambda group, req: rate_key(req),
            rate=settings.COMMENTS_RATE_LIMIT,
            method="POST",
            increment=count,
        )
    except CacheUnavailable:
        return UNLIMITED  # core.cache logs the outage, once
    except Exception:
        logger.warning("Rate limit unavailable (cache down); not limiting", exc_info=True)
        return UNLIMITED
    return usage or UNLIMITED


def counter_key(request) -> str:
    """The cache key of this address's counter in the current window, as django-ratelimit
    names it (its private helpers; tests/comments/test_retries.py fails if they change)."""
    rate = settings.COMMENTS_RATE_LIMIT
    value = rate_key(request)
    window = _get_window(value, _split_rate(rate)[1])
    return _make_cache_key(GROUP, window, rate, value, "POST")


def give_back(request) -> None:
    """Undo this request's count: its comment was not saved through no fault of the reader
    (the database failed mid-save), so the retry must not be the one that is refused.

    Only the counter this request incremented, once, and never below zero.
    """
    key = getattr(request, COUNTED, None)
    if key is None:
        return
    delattr(request, COUNTED)
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        if (cache.get(key) or 0) > 0:
            cache.decr(key)
    except ValueError:
        pass  # gone meanwhile (expired): nothing to give back
    except CacheUnavailable:
        pass  # core.cache logs the outage, once; the limit is not applied while it lasts
    except Exception:
        logger.warning("Rate limit: could not give back a failed save's attempt", exc_info=True)


def is_rate_limited(request) -> bool:
    usage = rate_usage(request, count=False)
    return usage["count"] >= usage["limit"]


def claim_new_text(*, text: str, email: str) -> bool:
    """Claim this text for this email address; False if they posted it recently (any essay).

    Call it inside the transaction that stores the comment, just before the INSERT. The claim
    is the row itself: it exists only if the transaction commits, so a save that fails
    (database restarting, connection killed, worker killed) never blocks the retry.

    Why not a cache reservation: it was taken before the save and outlived a failed one, refusing
    every retry for COMMENTS_DUPLICATE_WINDOW_HOURS. Why not a unique constraint on (email, text
    digest, time bucket): fixed buckets let a repeat through across a boundary, and it would need
    a new column and a backfill. Two identical posts at once are serialised instead: on
    PostgreSQL by an advisory lock on the text's digest held until this transaction ends
    (PostgreSQL releases it on commit, rollback or a lost connection, so it cannot outlive a
    failure), and the second then sees the first's committed row. SQLite lets one transaction
    write at a time; the loser of such a race gets "database is locked" (a 503 to try again).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("claim_new_text() must run in the transaction that stores the comment")
    hours = settings.COMMENTS_DUPLICATE_WINDOW_HOURS
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"{email}\n{text}".encode()).digest()
        key = int.from_bytes(digest[:4], "big", signed=True)
        with connection.cursor() as cursor:
            # Two-key form, its own key space: no clash with other advisory locks.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [DUPLICATE_LOCK_CLASS, key])
    since = timezone.now() - timedelta(hours=hours)
    return not Comment.objects.filter(text=text, author_email=email, created_at__gte=since).exists()
