"""Who is posting, and whether they may post again: the per-address limit and duplicates."""

import hashlib
import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_ratelimit.core import get_usage

from .models import Comment

logger = logging.getLogger(__name__)


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


def rate_usage(request, *, count: bool) -> dict:
    """The per-address comment allowance (django-ratelimit, counted in Django's cache).

    With `count`, the counter is incremented atomically, so concurrent posts cannot all pass.
    If the cache is down, comments are still accepted (the other spam rules still apply).
    """
    try:
        usage = get_usage(
            request,
            group="comments.post",
            key=lambda group, req: client_ip(req) or "unknown",
            rate=settings.COMMENTS_RATE_LIMIT,
            method="POST",
            increment=count,
        )
    except Exception:
        logger.warning("Rate limit unavailable (cache down); not limiting", exc_info=True)
        return UNLIMITED
    return usage or UNLIMITED


def is_rate_limited(request) -> bool:
    usage = rate_usage(request, count=False)
    return usage["count"] >= usage["limit"]


def claim_new_text(*, text: str, email: str) -> bool:
    """False if this email address posted exactly this text recently (on any essay).

    The cache claim is atomic, so two identical posts sent at once cannot both get through;
    the database check covers a cache that was cleared or is down.
    """
    hours = settings.COMMENTS_DUPLICATE_WINDOW_HOURS
    digest = hashlib.sha256(f"{email}\n{text}".encode()).hexdigest()
    try:
        if not cache.add(f"comments:text:{digest}", 1, timeout=hours * 3600):
            return False
    except Exception:
        logger.warning("Cache down; duplicate check uses the database only", exc_info=True)
    since = timezone.now() - timedelta(hours=hours)
    return not Comment.objects.filter(text=text, author_email=email, created_at__gte=since).exists()
