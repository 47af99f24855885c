"""The Redis cache backend (core/cache.py): a frozen Redis costs one short timeout, not one per
call; the rate limit fails open; the cache comes back by itself; one client per process."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from comments import throttle
from core.cache import CacheUnavailable
from tests.factories import comment_data, make_article
from tests.security.test_faults import redis_server  # noqa: F401 - a private redis-server

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def redis_cache(redis_server, settings):  # noqa: F811
    process, port = redis_server
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            # As config/settings.py has them for REDIS_URL, with a short breaker for the test.
            "OPTIONS": {
                "socket_connect_timeout": 0.1,
                "socket_timeout": 0.1,
                "circuit_breaker_seconds": 0.5,
            },
        }
    }
    yield process
    process.send_signal(signal.SIGCONT)


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def test_a_frozen_redis_is_waited_for_once_then_skipped(redis_cache, caplog):
    cache.set("greeting", "hello")
    redis_cache.send_signal(signal.SIGSTOP)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        first, waited = timed(lambda: cache.get("greeting", "miss"))
        assert first == "miss" and 0.05 < waited < 0.5  # one socket timeout, no retries
        rest, skipped = timed(lambda: [cache.get("greeting", "miss") for _ in range(50)])
        cache.set("greeting", "kept in this process")  # at once, in the process's memory
        assert cache.get("greeting") == "kept in this process"
        with pytest.raises(CacheUnavailable):
            cache.add("claim", 1)  # an answer every process must share is never guessed
    assert rest == ["miss"] * 50 and skipped < 0.05
    assert caplog.text.count("unavailable") == 1  # the outage is logged once

    redis_cache.send_signal(signal.SIGCONT)
    time.sleep(0.6)  # the breaker lets one call try again
    assert cache.get("greeting") == "hello"  # Redis again; the process's copies are forgotten
    assert cache.local.get("greeting") is None
    cache.set("greeting", "again")
    assert cache.get("greeting") == "again"


def test_the_comment_rate_limit_fails_open_and_fast_on_a_frozen_redis(redis_cache, settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    assert throttle.count_attempt("192.0.2.5").limited is False
    assert throttle.count_attempt("192.0.2.5").limited is True  # counted in Redis
    redis_cache.send_signal(signal.SIGSTOP)
    throttle.count_attempt("192.0.2.5")  # trips the breaker
    attempts, took = timed(lambda: [throttle.count_attempt("192.0.2.5") for _ in range(20)])
    assert not any(attempt.limited for attempt in attempts) and took < 0.05


def test_one_redis_client_serves_every_call_and_thread(redis_cache):
    clients = []
    thread = threading.Thread(target=lambda: clients.append(caches["default"]._cache.get_client()))
    thread.start()
    thread.join()
    assert cache._cache.get_client() is cache._cache.get_client() is clients[0]


@pytest.mark.django_db(transaction=True)  # purges run on commit
def test_pages_are_never_stale_after_a_frozen_redis_returns(redis_cache, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article("Before")
    reader = Client()
    assert "Before" in reader.get(reverse("articles:home")).text  # cached in Redis

    redis_cache.send_signal(signal.SIGSTOP)
    article.title = "Edited while Redis was frozen"
    article.save()
    assert "Edited while Redis was frozen" in reader.get(reverse("articles:home")).text
    posted = Client().post(
        reverse("comments:post", args=[article.slug]), comment_data(article, text="Frozen")
    )
    assert posted.status_code == 302  # the rate limit fails open
    redis_cache.send_signal(signal.SIGCONT)  # back, the old page still inside
    time.sleep(0.6)

    for _ in range(2):  # the first stores the new page in Redis, the second is served from it
        page = reader.get(reverse("articles:home")).text
        assert "Edited while Redis was frozen" in page and ">Before<" not in page
    pages = [key for key in cache._cache.get_client().scan_iter() if b"edge:page:" in key]
    assert len(pages) == 1  # the new page took the old one's place


def test_redis_url_gets_this_backend_with_short_timeouts():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']))"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    config = json.loads(result.stdout)
    assert config["BACKEND"] == "core.cache.RedisCache"
    options = config["OPTIONS"]
    assert options["socket_connect_timeout"] <= 0.1 and options["socket_timeout"] <= 0.1
    assert 0 < options["circuit_breaker_seconds"] <= 30
