"""`make quick` runs the tests on two workers at once: what each must keep to itself."""

import os


def redis_url(db: int) -> str:
    """Redis database `db` for the first worker (or a run without workers), `db + 2` for the
    second: the modules that empty a database of their own use 11 to 13, within Redis's 16."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if worker > 1:
        raise RuntimeError("tests that use Redis run on at most two workers")
    return f"redis://127.0.0.1:6379/{db + 2 * worker}"
