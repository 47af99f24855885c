"""Data made once for a whole test module, for modules whose tests mostly read it."""

from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

# What tests/conftest.py's autouse fixtures set for each test; also for work done outside one.
TEST_SETTINGS = {
    "PAGE_CACHE_SECONDS": 0,
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}


@contextmanager
def rolled_back_after_module(django_db_blocker):
    """Database access for a module-scoped fixture, with the tests' settings, in a transaction
    rolled back when the module ends. Each test runs in a savepoint inside it and is rolled
    back to what the fixture made (as with Django's setUpTestData). Not for modules with
    transactional tests; and as nothing commits, work the fixture left for the commit (purges,
    tasks) never runs, and purges in its tests join that batch: assert none there."""
    with django_db_blocker.unblock(), override_settings(**TEST_SETTINGS), transaction.atomic():
        yield
        transaction.set_rollback(True)
