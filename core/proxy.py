"""Noticing a proxy the settings do not know about.

Behind a proxy with TRUSTED_PROXY_COUNT=0 every reader has the proxy's address: five bad admin
sign-ins lock out every editor, five comments use up the whole site's allowance. A request that
carries X-Forwarded-For is the sign. The first one logs a WARNING (once per process) and is noted
in the cache, where `manage.py check` finds it (core/checks.py) when the cache is shared (Redis).
"""

import contextlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)
CACHE_KEY = "core:untrusted-x-forwarded-for"
_seen_at = None  # when this process first saw one; after that the middleware costs one test


def untrusted_forwarding_seen():
    """When a request with X-Forwarded-For first arrived while TRUSTED_PROXY_COUNT was 0, as
    seen by this process or noted in the cache by another; None if never."""
    if _seen_at is not None:
        return _seen_at
    try:
        return cache.get(CACHE_KEY)
    except Exception:  # no cache, no evidence; the log still has the warning
        return None


class ForwardedForWatchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            _seen_at is None
            and "HTTP_X_FORWARDED_FOR" in request.META
            and not settings.TRUSTED_PROXY_COUNT
            and not settings.DEBUG
        ):
            _note(request.META.get("REMOTE_ADDR", "?"))
        return self.get_response(request)


def _note(remote_addr: str) -> None:
    global _seen_at
    _seen_at = timezone.now().isoformat(timespec="seconds")
    logger.warning(
        "A request from %s came with X-Forwarded-For but TRUSTED_PROXY_COUNT is 0, so every "
        "reader behind that proxy shares its address (admin lockouts, comment rate limit). "
        "Behind deploy/nginx.conf set TRUSTED_PROXY_COUNT=1; with no proxy, the client sent "
        "the header itself and it is ignored. (Logged once per process.)",
        remote_addr,
    )
    with contextlib.suppress(Exception):  # the cache being away must not fail a request
        cache.add(CACHE_KEY, _seen_at, timeout=30 * 24 * 3600)
