"""The origin's page store, on real Redis and in process memory: one behaviour for both."""

import socket

import pytest
from django.core.cache.backends.locmem import LocMemCache

from core.cache import RedisCache
from core.edge.store import Entry, LocalStore, RedisStore, now
from tests.workers import redis_url


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture(params=["redis", "local"])
def store(request):
    if request.param == "local":
        return LocalStore()
    if not redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    backend = RedisCache(redis_url(12), {"OPTIONS": {"socket_timeout": 0.5}})
    backend._cache.get_client(write=True).flushdb()
    return RedisStore(backend)


def entry(url, *keys, seconds=60) -> Entry:
    return Entry(
        content=f"<p>{url}</p>".encode(),
        content_type="text/html; charset=utf-8",
        etag='"abc"',
        keys=tuple(keys),
        url=url,
        expires=now() + seconds,
    )


def test_a_stored_page_comes_back_whole(store):
    _, _, since = store.get("p1")
    assert store.put("p1", entry("http://x/a/", "essay-1", "home"), since)
    found, next_change, _ = store.get("p1")
    assert found.content == b"<p>http://x/a/</p>" and found.keys == ("essay-1", "home")
    assert found.url == "http://x/a/" and next_change is None


def test_a_purge_drops_exactly_the_pages_of_its_keys_and_names_their_urls(store):
    for page, url, keys in [
        ("p1", "http://x/a/", ("essay-1", "home")),
        ("p2", "http://x/b/", ("essay-2",)),
        ("p3", "http://x/", ("home",)),
    ]:
        store.put(page, entry(url, *keys), store.get(page)[2])
    assert store.purge(["home"]) == ["http://x/", "http://x/a/"]
    assert store.get("p1")[0] is None and store.get("p3")[0] is None
    assert store.get("p2")[0] is not None


def test_a_render_that_overlaps_a_purge_of_its_keys_is_not_kept(store):
    _, _, since = store.get("p1")  # the render begins
    store.purge(["essay-1"])  # a change commits meanwhile
    assert not store.put("p1", entry("http://x/a/", "essay-1"), since)
    assert store.get("p1")[0] is None
    _, _, since = store.get("p1")  # the next render, after the change
    assert store.put("p1", entry("http://x/a/", "essay-1"), since)


def test_a_purge_of_other_keys_does_not_stop_a_render(store):
    _, _, since = store.get("p1")
    store.purge(["essay-9"])
    assert store.put("p1", entry("http://x/a/", "essay-1"), since)


def test_one_render_at_a_time_per_page(store):
    assert store.claim("p1", 5)
    assert not store.claim("p1", 5)
    store.put("p1", entry("http://x/a/", "home"), store.get("p1")[2])  # storing releases it
    assert store.claim("p1", 5)
    store.release("p1")  # as a render that is not kept (a 404) does
    assert store.claim("p1", 5)


def test_entries_expire_and_so_does_the_next_change(store):
    store.put("p1", entry("http://x/a/", "home", seconds=-1), store.get("p1")[2])
    assert store.get("p1")[0] is None
    store.set_next_change(now() + 30, 60)
    assert store.get("p1")[1] == pytest.approx(now() + 30, abs=2)
    store.purge(["home"])  # a change may move it: read it again
    assert store.get("p1")[1] is None
    store.set_next_change(None, 60)
    assert store.get("p1")[1] == "none"


def test_a_dead_redis_raises_instead_of_guessing():
    from core.cache import CacheUnavailable

    backend = RedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    with pytest.raises(CacheUnavailable):
        RedisStore(backend).get("p1")
    assert isinstance(backend.local, LocMemCache)  # get() of the cache itself still answers


def test_after_a_purge_redis_missed_no_page_kept_before_is_served():
    if not redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    backend = RedisCache(redis_url(12), {"OPTIONS": {"socket_timeout": 0.5}})
    backend._cache.get_client(write=True).flushdb()
    store = RedisStore(backend)
    store.put("p1", entry("http://x/a/", "essay-1"), store.get("p1")[2])
    store.missed_purge.set()  # as RedisStore.purge does when Redis fails it
    assert store.get("p1")[0] is None  # a new generation: the page is rendered again
    store.put("p1", entry("http://x/a/", "essay-1"), store.get("p1")[2])
    assert store.get("p1")[0] is not None
