"""Purging pages when what they show changes: `changed("essay-12", "home")`.

The keys are gathered for the current transaction and purged once it commits (never for a
rollback): the origin's own copies at once, in the request that made the change, and the edge's
(Varnish or a CDN) by the `purge_pages` task, which retries a purge the edge did not confirm.
If the process dies between the commit and the enqueue, the purge is lost: the edge keeps the
old page for at most EDGE_MAX_AGE + EDGE_STALE_SECONDS, the origin for PAGE_CACHE_SECONDS.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction

from core.cache import CacheUnavailable

from .pages import forget_next_change
from .store import get_store

logger = logging.getLogger(__name__)


class _Batch:
    def __init__(self):
        self.keys: set[str] = set()

    def flush(self) -> None:
        keys = sorted(self.keys)
        if not keys:
            return
        forget_next_change()
        store = get_store()
        try:
            urls, purged_here = (store.purge(keys) if store else []), True
        except CacheUnavailable:
            urls, purged_here = [], False  # the task tries the origin's copies again
        try:
            enqueue(keys, urls, origin=not purged_here)
        except Exception:
            logger.exception("Purge of %s not queued; the edge keeps them until they expire", keys)


def needed() -> bool:
    """Whether anything keeps pages to purge: the origin's copies or an edge cache. Without
    either (PAGE_CACHE_SECONDS=0 and no EDGE_CACHE_BACKEND), working out which pages a change
    affects is skipped, so every process of a site (web, worker, commands) needs the same two
    settings: a command run with caching off beside web processes with it on purges no essay."""
    from .backends import get_backend

    return bool(settings.PAGE_CACHE_SECONDS) or get_backend() is not None


def changed(*keys: str) -> None:
    """Purge pages carrying any of `keys` once the current transaction commits."""
    connection = transaction.get_connection()
    batch = getattr(connection, "_edge_batch", None)
    # A batch belongs to a registered on_commit callback; a rolled-back savepoint drops that
    # callback, and then changes made afterwards start a new batch.
    if batch is not None and any(func == batch.flush for _, func, *_ in connection.run_on_commit):
        batch.keys.update(key for key in keys if key)
        return
    batch = connection._edge_batch = _Batch()
    batch.keys.update(key for key in keys if key)
    transaction.on_commit(batch.flush)  # outside a transaction: at once


def enqueue(keys, urls=(), *, origin=True, at: datetime | None = None) -> None:
    """Queue the purge task now, or to run at `at` (a timed change: scheduled publishing)."""
    from .tasks import purge_pages

    task = purge_pages
    if at is not None:
        if not task.get_backend().supports_defer:
            return  # the immediate backend (tests) cannot wait; page lifetimes end then anyway
        task = task.using(run_after=at)
    task.enqueue(keys=list(keys), urls=list(urls), origin=origin)
