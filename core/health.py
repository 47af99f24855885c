"""Health for load balancers: /healthz (the process answers) and /readyz (it can do its work).

Both are answered by the first middleware, before anything else runs: no host validation (a
load balancer probes by IP address, with whatever Host it likes), no HTTPS redirect (it probes
over plain HTTP), no session, no page cache. The answers carry nothing taken from the request.

Written here rather than with django-health-check (4.8): that answers 500 rather than 503, runs
its checks on executor threads (a fresh database connection per probe instead of the worker's
persistent one), and the task-queue check would be ours anyway.
"""

import logging
import os
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, Min, When
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


def healthz(request):
    """Cheap liveness: no database, no cache. 200 means this worker answers requests."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def readyz(request):
    """Readiness: the database, the cache and the task queue, each reported by name.

    Only the database decides: without it this instance can serve nothing, so 503 "not ready".
    The site is built to run without the cache (pages uncached, comments still taken) and with
    a busy or stopped worker (emails and renditions wait), so those make it 200 "degraded":
    routing on /readyz never takes every instance out for a fault they all share. Details go to
    the log, not the answer.
    """
    checks = {"database": _database(), "cache": _cache()}
    checks["tasks"] = _tasks() if checks["database"] == "ok" else "unknown (no database)"
    if checks["database"] != "ok":
        status = "not ready"
    else:
        status = "ready" if all(result == "ok" for result in checks.values()) else "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "not ready" else 200
    )


def _database() -> str:
    try:
        with connection.cursor() as cursor:  # the worker's own persistent connection
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("readyz: database unreachable: %s: %s", type(exc).__name__, exc)
        return "unreachable"
    return "ok"


def _cache() -> str:
    # add, read back, delete: core.cache.RedisCache answers get/set from process memory while
    # Redis is away, but add and delete must reach the shared server (or raise).
    key = value = f"core:readyz:{os.getpid()}:{time.monotonic_ns()}"
    try:
        if not cache.add(key, value, timeout=30) or cache.get(key) != value:
            raise RuntimeError("a value written was not read back")
        cache.delete(key)
    except Exception as exc:
        logger.warning("readyz: cache unreachable: %s: %s", type(exc).__name__, exc)
        return "unreachable"
    return "ok"


def _tasks() -> str:
    """Stuck when the oldest task that is due has waited more than TASK_MAX_LAG_SECONDS."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task enqueued without a delay has run_after = the far future; it is due when enqueued.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    try:
        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(due_since))["oldest"]
    except Exception as exc:
        logger.warning("readyz: task queue unreadable: %s: %s", type(exc).__name__, exc)
        return "unreachable"
    limit = settings.TASK_MAX_LAG_SECONDS
    if oldest is not None and timezone.now() - oldest > timedelta(seconds=limit):
        waited = int((timezone.now() - oldest).total_seconds())
        logger.warning("readyz: the oldest due task has waited %s s; is db_worker running?", waited)
        return f"stuck: the oldest due task has waited {waited} s (limit {limit} s)"
    return "ok"


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the probes before host checks, redirects and caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        else:
            response = probe(request)
        add_never_cache_headers(response)
        return response
