"""Where the origin keeps rendered pages, indexed by surrogate key so a purge finds them.

Two implementations with one behaviour: Redis (production, shared by every process and node)
and the process's own memory (local development and tests, when the cache is not Redis).

Each operation is one round trip to Redis:
- `get` answers the entry, the next timed change and the purge counter together (a hit costs
  nothing else: no database query);
- `put` stores the entry, adds it to the index of each of its keys, then checks whether any of
  those keys was purged since the render began; if so the entry is dropped again and `put`
  answers False (the page may show data from before the change);
- `purge` counts the purge, marks each key as purged (for the check above), and deletes the
  entries of those keys, answering their URLs (for CDNs that purge by path).
Because the marks are written before the index is read, and `put` writes the index before it
reads the marks, a render that overlaps a purge is either deleted by it or sees it.
"""

import threading
from dataclasses import dataclass

from django.utils import timezone

from core.cache import CacheUnavailable

PREFIX = "edge:"
MARK_SECONDS = 120  # longer than any render takes
INDEX_SECONDS = 86400  # longer than any entry lives (PAGE_CACHE_SECONDS)


@dataclass
class Entry:
    content: bytes
    content_type: str
    etag: str
    keys: tuple[str, ...]
    url: str
    expires: float  # epoch seconds
    generation: int = 0  # RedisStore: of the whole store, moved on after a missed purge

    def to_redis(self) -> dict:
        return {
            "content": self.content,
            "content_type": self.content_type,
            "etag": self.etag,
            "keys": " ".join(self.keys),
            "url": self.url,
            "expires": repr(self.expires),
            "generation": self.generation,
        }

    @classmethod
    def from_redis(cls, fields: dict) -> "Entry | None":
        if not fields:
            return None
        text = {k.decode(): v for k, v in fields.items()}
        return cls(
            content=text["content"],
            content_type=text["content_type"].decode(),
            etag=text["etag"].decode(),
            keys=tuple(text["keys"].decode().split()),
            url=text["url"].decode(),
            expires=float(text["expires"]),
            generation=int(text.get("generation", 0)),
        )


class RedisStore:
    """Pages in Redis, through core.cache.RedisCache's shared client and circuit breaker: while
    Redis is skipped or failing every call raises core.cache.CacheUnavailable.

    A purge that fails (Redis down or frozen just then) cannot say which pages it missed, so
    the process remembers it, and its next call moves the store to a new generation: every
    page kept before is then ignored. The task retries the purge as well.
    """

    missed_purge = threading.Event()  # per process

    def __init__(self, backend):
        self.backend = backend

    def _run(self, build):
        def operation():
            pipe = self.backend._cache.get_client(write=True).pipeline(transaction=True)
            build(pipe)
            return pipe.execute()

        return self.backend._call(operation)

    def get(self, page: str):
        missed = self.missed_purge.is_set()

        def build(p):
            if missed:
                p.incr(PREFIX + "generation")
            p.hgetall(PREFIX + "page:" + page).get(PREFIX + "next-change").get(PREFIX + "purges")
            p.get(PREFIX + "generation")

        *_, fields, next_change, purges, generation = self._run(build)
        if missed:
            self.missed_purge.clear()
        generation = int(generation or 0)
        entry = Entry.from_redis(fields)
        if entry is not None and (entry.expires <= now() or entry.generation != generation):
            entry = None  # Redis keeps it up to a second longer (whole seconds)
        return entry, _float(next_change), (int(purges or 0), generation)

    def claim(self, page: str, seconds: float) -> bool:
        """One render at a time per page (single flight); False if another process renders it."""
        (won,) = self._run(
            lambda p: p.set(PREFIX + "lock:" + page, 1, nx=True, px=int(seconds * 1000))
        )
        return bool(won)

    def release(self, page: str) -> None:
        self._run(lambda p: p.delete(PREFIX + "lock:" + page))

    def put(self, page: str, entry: Entry, since: tuple[int, int]) -> bool:
        since, entry.generation = since
        ttl = max(1, int(entry.expires - now()))

        def build(p):
            p.hset(PREFIX + "page:" + page, mapping=entry.to_redis()).expire(
                PREFIX + "page:" + page, ttl
            )
            for key in entry.keys:  # an index outlives the entries it lists
                p.sadd(PREFIX + "tag:" + key, f"{page} {entry.url}")
                p.expire(PREFIX + "tag:" + key, INDEX_SECONDS)
            p.delete(PREFIX + "lock:" + page)
            p.mget([PREFIX + "purged:" + key for key in entry.keys] or [PREFIX + "none"])

        marks = self._run(build)[-1]
        if any(int(mark) > since for mark in marks if mark is not None):
            self._run(lambda p: p.delete(PREFIX + "page:" + page))
            return False
        return True

    def set_next_change(self, when: float | None, seconds: int) -> None:
        value = repr(when) if when is not None else "none"
        self._run(lambda p: p.set(PREFIX + "next-change", value, ex=seconds))

    def purge(self, keys) -> list[str]:
        try:
            return self._purge(list(keys))
        except CacheUnavailable:
            self.missed_purge.set()
            raise

    def _purge(self, keys: list[str]) -> list[str]:
        tags = [PREFIX + "tag:" + key for key in keys]
        (count,) = self._run(lambda p: p.incr(PREFIX + "purges"))

        def collect(p):
            for key in keys:
                p.set(PREFIX + "purged:" + key, count, ex=MARK_SECONDS)
            p.delete(PREFIX + "next-change")
            for tag in tags:
                p.smembers(tag)

        members = [m.decode() for found in self._run(collect)[len(keys) + 1 :] for m in found]
        pages = {PREFIX + "page:" + member.split(" ", 1)[0] for member in members}
        if tags or pages:
            self._run(lambda p: p.delete(*tags, *pages))
        return sorted({member.split(" ", 1)[1] for member in members})


class LocalStore:
    """The same in this process's memory: for one process (runserver, tests)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.pages, self.tags, self.marks, self.locks = {}, {}, {}, {}
        self.purges, self.next_change = 0, None

    def get(self, page: str):
        with self.lock:
            entry = self.pages.get(page)
            if entry is not None and entry.expires <= now():
                entry = None
            next_change = self.next_change
            if next_change is not None and next_change[1] <= now():
                next_change = None
            return entry, (next_change[0] if next_change else None), self.purges

    def claim(self, page: str, seconds: float) -> bool:
        with self.lock:
            moment = now()
            if self.locks.get(page, 0) > moment:
                return False
            self.locks[page] = moment + seconds
            return True

    def release(self, page: str) -> None:
        with self.lock:
            self.locks.pop(page, None)

    def put(self, page: str, entry: Entry, since: int) -> bool:
        with self.lock:
            self.locks.pop(page, None)
            if any(self.marks.get(key, 0) > since for key in entry.keys):
                return False
            self.pages[page] = entry
            for key in entry.keys:
                self.tags.setdefault(key, set()).add((page, entry.url))
            return True

    def set_next_change(self, when: float | None, seconds: int) -> None:
        with self.lock:
            self.next_change = ("none" if when is None else when, now() + seconds)

    def purge(self, keys) -> list[str]:
        with self.lock:
            self.purges += 1
            self.next_change = None
            urls = set()
            for key in keys:
                self.marks[key] = self.purges
                for page, url in self.tags.pop(key, ()):
                    self.pages.pop(page, None)
                    urls.add(url)
            return sorted(urls)


def now() -> float:
    """Epoch seconds by Django's clock (the one `published()` compares with)."""
    return timezone.now().timestamp()


def _float(raw):
    if raw is None:
        return None
    return "none" if raw == b"none" else float(raw)


local = LocalStore()


def get_store():
    """Redis when the cache is core.cache.RedisCache; none with Django's DummyCache (caching
    off); else this process's memory."""
    from django.core.cache import caches
    from django.core.cache.backends.dummy import DummyCache

    from core.cache import RedisCache

    backend = caches["default"]
    if isinstance(backend, DummyCache):
        return None
    return RedisStore(backend) if isinstance(backend, RedisCache) else local
