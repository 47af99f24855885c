"""Whole-page cache for anonymous readers that is never stale.

Design (versioned keys):
- Every cached page's key contains one site-wide *content version*, a row in the database
  (`ContentVersion`). Any change a reader could see — an essay, byline, author, section, topic
  or image saved or deleted, an essay published or unpublished, a comment approved or taken
  down — bumps it in the same transaction (signals.py, plus explicit bumps where
  `QuerySet.update()` sends no signal). Old entries are never read again and expire on their
  own. Because the version lives with the data, a cache server that restarts, loses writes or
  was down during an edit can never bring back a stale page. Reading it costs one primary-key
  query per cached page; writes are rare next to reads, so one version for the site is enough.
- Scheduled essays go live without a write: with each bump we note when the next one is due,
  and the first request after that moment bumps the version.
- Only anonymous requests with no personal state are served from or stored in the cache: a
  signed-in user, a session holding the visitor's own pending comments, or pending messages
  always get a freshly rendered, `private` page.
- The comment form's CSRF token is personal: it is cut out before storing and each visitor's
  own token is put back when serving (hole punching), so no token ever reaches another client.
- If the cache server is down, pages are rendered as usual, uncached.
"""

import hashlib
import logging
import re
import time
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Min
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger(__name__)
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
CSRF_HOLE = b'name="csrfmiddlewaretoken" value="\x00csrf\x00"'
# The comment form's signed timestamp must be fresh too, or "posted too fast" could not work.
FORM_TOKEN_FIELD = re.compile(rb'name="token" value="([^"]*)"')
FORM_TOKEN_HOLE = re.compile(rb'name="token" value="\x00form:(\d+)\x00"')
PERSONAL_SESSION_KEYS = ("_auth_user_id", "my_comments", "_messages")


def bump_version() -> None:
    """Make every cached page stale, as part of the current transaction."""
    from .models import ContentVersion

    updated = ContentVersion.objects.filter(pk=1).update(
        version=F("version") + 1, next_change=next_timed_change()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1)


def next_timed_change():
    """The next moment pages change with no write: a scheduled essay goes live, or an essay's
    comments close (COMMENTS_CLOSE_AFTER_DAYS)."""
    from .models import Article

    now = timezone.now()
    moments = [Article.objects.scheduled().aggregate(due=Min("published_at"))["due"]]
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days:
        still_open = Article.objects.published().filter(
            allow_comments=True, published_at__gt=now - timedelta(days=days)
        )
        oldest = still_open.aggregate(oldest=Min("published_at"))["oldest"]
        moments.append(oldest + timedelta(days=days) if oldest else None)
    return min((m for m in moments if m), default=None)


def current_version() -> int:
    """The content version; bumped first if a scheduled essay has gone live since."""
    from .models import ContentVersion

    row = ContentVersion.objects.filter(pk=1).values("version", "next_change").first()
    if row is None or (row["next_change"] and timezone.now() >= row["next_change"]):
        bump_version()
        row = ContentVersion.objects.filter(pk=1).values("version", "next_change").first()
    return row["version"]


def is_anonymous_reader(request) -> bool:
    """No signed-in user, no pending messages, no own comments awaiting moderation."""
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        session = request.session
        if any(key in session for key in PERSONAL_SESSION_KEYS):
            return False
    return True


def cached_page(view=None, *, params=("page",), bypass=()):
    """Serve a public view from the page cache (see the module docstring).

    `params` are the query parameters that change the page (others are ignored, so they
    cannot fill the cache with copies); a request with any of `bypass` is never cached.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not settings.PAGE_CACHE_SECONDS or not is_anonymous_reader(request):
                return _private(view(request, *args, **kwargs))
            if any(name in request.GET for name in bypass):
                return _private(view(request, *args, **kwargs))
            key = _key(request, current_version(), params)
            try:
                entry = cache.get(key)
            except Exception:
                entry = None
            if entry is not None:
                return _serve(request, entry)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            entry = _entry(response)
            if entry is None:
                return _private(response)
            try:
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page cache unavailable; not stored", exc_info=True)
            return _headers(response, entry)  # this visitor's own render, token included

        return wrapper

    return decorator(view) if view is not None else decorator


def _key(request, version, params) -> str:
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in params)
    raw = f"{request.get_host()}|{request.path}|{query}"
    return f"page:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _entry(response) -> dict | None:
    """What to store of a response, or None if it must not be shared."""
    if response.status_code != 200 or response.streaming:
        return None
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return None
    content = CSRF_FIELD.sub(CSRF_HOLE, response.content)
    content = FORM_TOKEN_FIELD.sub(_form_token_hole, content)
    return {
        "content": content,
        "content_type": response["Content-Type"],
        "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
        "modified": time.time(),
        "personal": CSRF_HOLE in content,
    }


def _form_token_hole(match) -> bytes:
    from comments.forms import article_of_token

    article_id = article_of_token(match.group(1).decode())
    return b'name="token" value="\x00form:%d\x00"' % article_id if article_id else match.group(0)


def _fresh_form_token(match) -> bytes:
    from comments.forms import make_token_for

    return b'name="token" value="%s"' % make_token_for(int(match.group(1))).encode()


def _serve(request, entry) -> HttpResponse:
    content = entry["content"]
    if entry["personal"]:
        token = get_token(request).encode()
        content = content.replace(CSRF_HOLE, CSRF_HOLE.replace(b"\x00csrf\x00", token))
        content = FORM_TOKEN_HOLE.sub(_fresh_form_token, content)
    return _headers(HttpResponse(content, content_type=entry["content_type"]), entry)


def _headers(response, entry):
    if not entry["personal"]:
        # Pages with the comment form carry this visitor's CSRF token and a fresh form
        # timestamp: no validators, so a browser never reuses an old copy with stale tokens.
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["modified"])
    if entry["personal"]:
        # Holds this visitor's CSRF token: browsers may keep it, shared caches may not.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    else:
        # Identical for every reader: a CDN may keep it, revalidating with ETag each time.
        patch_cache_control(response, public=True, no_cache=True)
    return response


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
