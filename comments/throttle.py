"""Whether a reader may post again: the per-address limit and duplicates."""

import hashlib
import logging
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django_ratelimit import ALL
from django_ratelimit.core import _get_window, _make_cache_key, _split_rate, get_usage

from core.cache import CacheUnavailable

from .models import Comment

logger = logging.getLogger(__name__)
DUPLICATE_LOCK_CLASS = 0x636D  # "cm": comments' duplicate-text claims


class Attempt(NamedTuple):
    limited: bool  # over the allowance: refuse it
    retry_after: int  # seconds until the allowance's window ends
    counter: str | None  # the cache key it was counted in, for give_back(); None if not counted


UNLIMITED = Attempt(limited=False, retry_after=0, counter=None)
GROUP = "comments.post"


def count_attempt(ip: str | None) -> Attempt:
    """Count one comment from this address against COMMENTS_RATE_LIMIT: one atomic increment of
    django-ratelimit's counter in Django's cache, so concurrent posts cannot all pass, and its
    answer says how long the window has left. Only forms that passed their checks are counted.

    If the cache is down, comments are still accepted (the other spam rules still apply).
    """
    address = ip or "unknown"
    try:
        # The counter get_usage() is about to increment. Should its window end in between,
        # give_back() lowers the old, expiring counter: harmless, just no refund.
        counter = counter_key(address)
        usage = get_usage(
            address,  # handed only to `key` (method=ALL: it never reads a request's method)
            group=GROUP,
            key=lambda group, address: address,
            rate=settings.COMMENTS_RATE_LIMIT,
            method=ALL,
            increment=True,
        )
    except CacheUnavailable:
        return UNLIMITED  # core.cache logs the outage, once
    except Exception:
        logger.warning("Rate limit unavailable (cache down); not limiting", exc_info=True)
        return UNLIMITED
    if usage is None:
        return UNLIMITED  # RATELIMIT_ENABLE = False
    return Attempt(usage["should_limit"], max(1, usage["time_left"]), counter)


def counter_key(address: str) -> str:
    """The cache key of this address's counter in the current window, as django-ratelimit
    names it (its private helpers; tests/comments/test_retries.py fails if they change)."""
    rate = settings.COMMENTS_RATE_LIMIT
    window = _get_window(address, _split_rate(rate)[1])
    return _make_cache_key(GROUP, window, rate, address, ALL)


def give_back(attempt: Attempt) -> None:
    """Undo a counted attempt: its comment was not saved through no fault of the reader (the
    database failed mid-save), so the retry must not be the one that is refused.

    Only the counter that attempt incremented, and never below zero. Call it once per
    attempt (submit_comment does, on a failed save): each call lowers the counter by one.
    """
    if attempt.counter is None:
        return
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        if (cache.get(attempt.counter) or 0) > 0:
            cache.decr(attempt.counter)
    except ValueError:
        pass  # gone meanwhile (expired): nothing to give back
    except CacheUnavailable:
        pass  # core.cache logs the outage, once; the limit is not applied while it lasts
    except Exception:
        logger.warning("Rate limit: could not give back a failed save's attempt", exc_info=True)


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
