"""Anonymous pages, identical for every reader, cached at the origin and by any CDN in front.

- A request is *shared* when it is a GET or HEAD with no personal state: nobody signed in, no
  pending messages, no comment of the reader's own awaiting moderation
  (settings.PAGE_CACHE_PERSONAL_SESSION_KEYS). Its page holds no CSRF token and nothing else of
  the reader's (the comment form's token is signed and the same for everyone), so it may be
  served to anyone. Every other request gets a fresh, `private` page.
- Shared responses carry `Cache-Control: public, max-age=0, s-maxage=N,
  stale-while-revalidate=M` (EDGE_MAX_AGE, EDGE_STALE_SECONDS), a stable ETag (a digest of the
  bytes) and the page's surrogate keys (core.edge.keys) in the header the configured edge
  backend reads. No lifetime crosses the next timed change (a scheduled essay going live,
  comments closing): s-maxage is capped by the seconds until it, and a purge task runs then.
- The origin keeps its own copy (core.edge.store) for at most PAGE_CACHE_SECONDS: that bounds
  how long a lost purge can leave a page stale. A hit is one round trip to Redis and no query.
  One process renders a missing page while the others wait for it briefly (single flight).
"""

import contextlib
import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string

from core.cache import CacheUnavailable

from . import backends
from .keys import keys_of
from .store import Entry, get_store, now

logger = logging.getLogger(__name__)
RENDER_WAIT_SECONDS = 2.0  # how long a request waits for another process's render of its page
NEXT_CHANGE_SECONDS = 300  # how long the next timed change is remembered before it is re-read
MEMO_SECONDS = 5  # the same, in a process with no page store (PAGE_CACHE_SECONDS=0)
_memo = (None, 0.0)


def is_shared(request) -> bool:
    """A GET or HEAD without personal state: its page is the same for every such reader."""
    if request.method not in ("GET", "HEAD") or request.COOKIES.get("messages"):
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        session = request.session
        if any(key in session for key in settings.PAGE_CACHE_PERSONAL_SESSION_KEYS):
            return False
    return True


def cached_page(view=None, *, params=("page",), bypass=(), keys=()):
    """Serve a public view as a shared page (see the module docstring).

    `params` are the query parameters that change the page (others are ignored, so they cannot
    fill the cache with copies); a request with any of `bypass` is never shared; `keys` are
    surrogate keys every response of this view carries, besides those the view tags.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_shared(request) or any(name in request.GET for name in bypass):
                return private(view(request, *args, **kwargs))
            return _shared(view, request, args, kwargs, params, keys)

        return wrapper

    return decorator(view) if view is not None else decorator


def _shared(view, request, args, kwargs, params, static_keys):
    # Only the parameters given: the home page's address is "/", never "/?page=" (a CDN that
    # purges by address must be told the address readers use).
    query = "&".join(f"{name}={request.GET[name]}" for name in params if request.GET.get(name))
    url = request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
    page = hashlib.sha256(f"{url}|{query}".encode()).hexdigest()
    store = get_store() if settings.PAGE_CACHE_SECONDS else None
    since, next_change = 0, None
    try:
        if store is not None:
            entry, next_change, since = store.get(page)
            if entry is None and not store.claim(page, RENDER_WAIT_SECONDS):
                entry, next_change, since = _wait_for(store, page)
            if entry is not None:
                return _serve(entry, next_change)
    except CacheUnavailable:
        store = None  # render it; the edge may still keep it
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
    except BaseException:
        _release(store, page)
        raise
    if response.status_code != 200 or response.streaming or response.cookies:
        _release(store, page)  # a 404 is not kept: the next request must not wait for it
        return private(response)
    moment = now()
    if next_change is None or (next_change != "none" and next_change <= moment):
        next_change = _read_next_change(store)  # unknown, or that moment has come
    until_change = float("inf") if next_change == "none" else max(0.0, next_change - moment)
    content = response.content
    entry = Entry(
        content=content,
        content_type=response["Content-Type"],
        etag='"' + hashlib.sha256(content).hexdigest()[:32] + '"',
        keys=tuple(sorted({*static_keys, *keys_of(request)})),
        url=url,
        expires=moment + min(settings.PAGE_CACHE_SECONDS or 0, until_change),
    )
    if store is not None and entry.expires <= moment:
        _release(store, page)  # a timed change is due now: nothing to keep
    elif store is not None:
        try:
            if not store.put(page, entry, since):
                return private(response)  # purged while rendering: may predate the change
        except CacheUnavailable:
            pass
    return share(response, entry, until_change)


def _release(store, page) -> None:
    if store is not None:
        with contextlib.suppress(CacheUnavailable):
            store.release(page)


def _wait_for(store, page):
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        found = store.get(page)
        if found[0] is not None:
            return found
    return found


def _read_next_change(store):
    """The next timed change as epoch seconds, or "none"; read from the database (a dotted
    path in settings.EDGE_NEXT_CHANGE, so core knows no app) and remembered in the store, or
    with no store for a few seconds in this process (purges reset both; the timed purge task
    is what the edge relies on, this cap is the second line)."""
    global _memo
    if store is None and _memo[1] > time.monotonic():
        return _memo[0]
    when = import_string(settings.EDGE_NEXT_CHANGE)()
    value = when.timestamp() if when is not None else "none"
    if store is not None:
        with contextlib.suppress(CacheUnavailable):
            store.set_next_change(None if value == "none" else value, NEXT_CHANGE_SECONDS)
    else:
        _memo = (value, time.monotonic() + MEMO_SECONDS)
    return value


def forget_next_change() -> None:
    global _memo
    _memo = (None, 0.0)


def _serve(entry: Entry, next_change) -> HttpResponse:
    moment = now()
    until_change = float("inf") if next_change in (None, "none") else next_change - moment
    response = HttpResponse(entry.content, content_type=entry.content_type)
    return share(response, entry, min(until_change, entry.expires - moment))


def share(response, entry: Entry, seconds_left: float):
    """Mark a response as the same for everyone, for at most `seconds_left` (the next change)."""
    max_age = max(0, int(min(settings.EDGE_MAX_AGE, seconds_left)))
    stale = max(0, int(min(settings.EDGE_STALE_SECONDS, seconds_left - max_age)))
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={max_age}, stale-while-revalidate={stale}"
    )
    response["ETag"] = entry.etag
    backend = backends.get_backend()
    header = backend.header if backend is not None else "Surrogate-Key"
    if header:
        response[header] = backend.header_value(entry.keys) if backend else " ".join(entry.keys)
        response.edge_header = header
    response.edge_shared = True  # SharedResponseMiddleware drops `Vary: Cookie` on the way out
    return response


def private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
