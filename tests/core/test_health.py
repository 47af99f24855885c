"""/healthz and /readyz, as a load balancer calls them."""

import json
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from tests.security.test_faults import closed_port

pytestmark = pytest.mark.django_db
PROBE = {"HTTP_HOST": "10.20.30.40:8000"}  # a load balancer probes by address, over HTTP


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["blog.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.PAGE_CACHE_SECONDS = 3600


def readyz(client):
    response = client.get("/readyz", **PROBE)
    return response.status_code, json.loads(response.content)


def test_healthz_answers_ok_for_any_host_over_plain_http(client, production):
    response = client.get("/healthz", **PROBE)
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/", **PROBE).status_code == 400  # other pages still check the host
    assert client.head("/healthz", **PROBE).status_code == 200


def test_healthz_needs_neither_database_nor_cache(client, production, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    monkeypatch.setattr(type(caches["default"]), "get", unreachable)
    monkeypatch.setattr(type(caches["default"]), "set", unreachable)
    assert client.get("/healthz", **PROBE).status_code == 200


def test_readyz_is_ready_when_everything_answers(client, production):
    status, body = readyz(client)
    assert status == 200
    assert body == {"status": "ready", "checks": {"database": "ok", "cache": "ok", "tasks": "ok"}}


def test_readyz_says_which_check_failed_database(client, production, monkeypatch):
    assert readyz(client)[0] == 200  # first ready: a later failure must not be a cached 200

    def unreachable(self):
        raise OperationalError("could not connect to server: password=secret")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    response = Client().get("/readyz", **PROBE)
    body = json.loads(response.content)
    assert response.status_code == 503 and body["status"] == "not ready"
    assert body["checks"]["database"] == "unreachable" and body["checks"]["cache"] == "ok"
    assert b"secret" not in response.content  # the details go to the log only


def test_readyz_says_which_check_failed_cache(client, production, settings):
    # A cache that takes writes and forgets them (as a circuit breaker that skips Redis does).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    status, body = readyz(client)
    assert status == 200 and body["status"] == "degraded"  # the site runs without a cache
    assert body["checks"] == {"database": "ok", "cache": "unreachable", "tasks": "ok"}


def test_readyz_fails_on_a_cache_that_raises(client, production, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(type(caches["default"]), "add", down)
    status, body = readyz(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["checks"]["cache"] == "unreachable"


def test_readyz_sees_through_the_redis_backends_memory_fallback(client, production, settings):
    """core.cache.RedisCache serves pages from process memory while Redis is away; readiness
    is about the shared cache, so it must still say "unreachable"."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    for _ in range(2):  # the first probe opens the circuit breaker, the second meets it open
        status, body = readyz(client)
        assert body["status"] == "degraded" and body["checks"]["cache"] == "unreachable"


def waiting_task(*, waited: timedelta, run_after=None):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="core.tasks.deliver_email",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def test_readyz_reports_a_stuck_task_queue_as_degraded(client, production, settings):
    settings.TASK_MAX_LAG_SECONDS = 300
    waiting_task(waited=timedelta(seconds=30))  # a worker will get to it
    assert readyz(client)[1]["status"] == "ready"

    stuck = waiting_task(waited=timedelta(minutes=10))
    status, body = readyz(client)
    assert status == 200 and body["status"] == "degraded"  # readers are still served
    assert (
        body["checks"]["tasks"].startswith("stuck: ") and "(limit 300 s)" in body["checks"]["tasks"]
    )

    DBTaskResult.objects.filter(pk=stuck.pk).update(status="SUCCESSFUL")  # the worker is back
    assert readyz(client)[1]["status"] == "ready"


def test_a_task_deferred_into_the_future_is_not_lag(client, production):
    # An email retry with backoff: enqueued long ago, due in ten minutes.
    waiting_task(waited=timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=10))
    assert readyz(client)[1]["status"] == "ready"
    # Once due, it counts from when it became due.
    waiting_task(waited=timedelta(hours=2), run_after=timezone.now() - timedelta(minutes=10))
    assert readyz(client)[1]["checks"]["tasks"].startswith("stuck: ")


def test_probes_only_answer_reads(client, production):
    response = client.post("/readyz", **PROBE)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
