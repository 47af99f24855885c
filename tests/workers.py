"""`make quick` runs the tests on two workers at once: what each must keep to itself."""

import os

import pytest


def redis_url(db: int) -> str:
    """Redis database `db` for the first worker (or a run without workers), `db + 2` for the
    second: tests/core/test_edge_store.py and tests/test_page_cache.py empty 12 and 13, so the
    second worker uses 14 and 15 (Redis has 16). A third worker skips those tests."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if worker > 1:
        pytest.skip("Redis has databases of their own for two workers only")
    return f"redis://127.0.0.1:6379/{db + 2 * worker}"
