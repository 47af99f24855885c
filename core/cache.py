"""Redis as the site's cache, costing milliseconds when Redis hangs instead of seconds per request.

Django's own RedisCache waits for its socket timeout on every call while Redis is frozen
(SIGSTOP, a full network buffer), and builds a client (per thread, a connection pool) again and
again. This backend:
- makes one client and connection pool per process, shared by its threads;
- never retries a command (a retry doubles the wait, and the page is fine without the cache);
- has a circuit breaker: after a failure Redis is skipped for `circuit_breaker_seconds`
  (OPTIONS, default 5). Meanwhile reads and writes go to a small cache in the process's own
  memory, emptied when Redis answers again. (The page store, core/edge/store.py, uses no
  fallback: while Redis is skipped pages are rendered, since a purge could not reach them.)
  Calls whose effect or answer must be shared by every process (add, incr, decr, delete, clear)
  raise CacheUnavailable instead, so each caller keeps its own fallback (the comment rate limit
  fails open). Then one request tries Redis again; the others keep skipping it until that one
  succeeds. An outage is logged once, and its end once.

The socket timeouts themselves are in settings.CACHES (about 100 ms).
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis import exceptions as redis_errors
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The cache server failed just now or is being skipped; nothing was read or written."""


class CircuitBreaker:
    """Open for `seconds` after a failure; then lets one caller through to try again."""

    def __init__(self, name: str, seconds: float, on_close=None):
        self.name, self.seconds, self.on_close = name, seconds, on_close
        self._lock = threading.Lock()
        self._open = False
        self._retry_at = 0.0

    def allow(self) -> bool:
        if not self._open:
            return True
        with self._lock:
            now = time.monotonic()
            if not self._open or now >= self._retry_at:
                self._retry_at = now + self.seconds  # this caller is the one trial
                return True
            return False

    def succeeded(self) -> None:
        if self._open:
            with self._lock:
                was_open, self._open = self._open, False
            if was_open:
                logger.warning("Cache %s answers again; using it", self.name)
                if self.on_close:
                    self.on_close()

    def failed(self, error: Exception) -> None:
        with self._lock:
            was_open, self._open = self._open, True
            self._retry_at = time.monotonic() + self.seconds
        if not was_open:
            logger.warning(
                "Cache %s unavailable (%s: %s); skipping it, trying again every %g s",
                self.name,
                type(error).__name__,
                error,
                self.seconds,
            )


class SharedClient(RedisCacheClient):
    """One redis.Redis per server, reused by every call and thread (redis-py's are thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                if index not in self._clients:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    self._clients[index] = self._client(connection_pool=pool)
                client = self._clients[index]
        return client


def where(servers) -> str:
    """Host and port of each server, for logs: a URL may carry a password."""
    parts = [urlsplit(url) for url in servers]
    names = [u.path if u.scheme == "unix" else f"{u.hostname}:{u.port or 6379}" for u in parts]
    return ",".join(names)


_shared: dict[tuple, tuple[SharedClient, CircuitBreaker, LocMemCache]] = {}
_shared_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        seconds = float(options.pop("circuit_breaker_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        # Django makes a backend per thread; the client and the breaker belong to the process,
        # or each request of a threaded server would wait for Redis once more.
        identity = (tuple(self._servers), repr(sorted(options.items())), seconds)
        with _shared_lock:
            if identity not in _shared:
                options.setdefault("retry", Retry(NoBackoff(), 0))
                client = SharedClient(self._servers, **options)
                local = LocMemCache(f"fallback-{len(_shared)}", {"OPTIONS": {"MAX_ENTRIES": 500}})
                breaker = CircuitBreaker(where(self._servers), seconds, on_close=local.clear)
                _shared[identity] = (client, breaker, local)
            self._shared_client, self.breaker, self.local = _shared[identity]

    @property
    def _cache(self):
        return self._shared_client

    def _call(self, operation, *args, local=None):
        """Run `operation` unless the breaker is open; a failure opens it. When Redis is skipped
        or fails, `local` (the same call on the process's memory cache) answers instead; without
        one, CacheUnavailable is raised."""
        if not self.breaker.allow():
            if local is None:
                raise CacheUnavailable(f"cache {self.breaker.name} is being skipped")
            return local(*args)
        try:
            result = operation(*args)
        except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as error:
            self.breaker.failed(error)
            if local is None:
                raise CacheUnavailable(str(error)) from error
            return local(*args)
        self.breaker.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._call(super().get, key, default, version, local=self.local.get)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, keys, version, local=self.local.get_many)

    def has_key(self, key, version=None):
        return self._call(super().has_key, key, version, local=self.local.has_key)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, key, value, timeout, version, local=self.local.set)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, data, timeout, version, local=self.local.set_many)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, key, timeout, version, local=self.local.touch)

    # What these do or answer decides something (a claim, a counter, an invalidation): a
    # skipped call is an error for the caller to handle, never a guess.
    def delete(self, key, version=None):
        return self._call(super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, keys, version)

    def clear(self):
        return self._call(super().clear)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._call(super().incr, key, delta, version)
