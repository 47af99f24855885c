"""The purge task: drop changed pages from the edge (and the origin), retrying what failed."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from core.cache import CacheUnavailable

from .backends import PurgeFailed, get_backend
from .store import get_store

logger = logging.getLogger(__name__)


@task(priority=10)  # ahead of renditions and imports: readers are waiting to see the change
def purge_pages(keys: list[str], urls: list[str], origin: bool = True, attempt: int = 1) -> str:
    """Purge `keys`; a failure is tried again after 5 s, 10 s, 20 s… up to EDGE_PURGE_ATTEMPTS
    times (then the task fails, listed in the admin's task results with a retry action)."""
    try:
        store = get_store()
        if origin and store is not None:
            urls = sorted({*urls, *store.purge(keys)})
            origin = False
        backend = get_backend()
        if backend is not None:
            backend.purge(keys, urls)
    except (PurgeFailed, CacheUnavailable) as error:
        if attempt >= settings.EDGE_PURGE_ATTEMPTS:
            raise
        delay = timedelta(seconds=5 * 2 ** (attempt - 1))
        logger.warning("Purge of %d keys failed (%s); trying again in %s", len(keys), error, delay)
        purge_pages.using(run_after=timezone.now() + delay).enqueue(
            keys=keys, urls=urls, origin=origin, attempt=attempt + 1
        )
        return f"attempt {attempt} failed: {error}"
    return f"purged {len(keys)} keys"
