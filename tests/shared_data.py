"""Data made once for a whole test module, for modules whose tests mostly read it."""

from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

# What the autouse fixtures of tests/conftest.py set for each test, for work done outside one.
TEST_SETTINGS = {
    "PAGE_CACHE_SECONDS": 0,
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}


@contextmanager
def outside_tests(django_db_blocker):
    """Database access from a module-scoped fixture, with the tests' settings."""
    with django_db_blocker.unblock(), override_settings(**TEST_SETTINGS):
        yield


@contextmanager
def rolled_back_after_module(django_db_blocker):
    """A transaction around the module, rolled back at its end; each test runs in a savepoint
    inside it and is rolled back to what the fixture made (Django's setUpTestData does the
    same). Not for modules with transactional tests."""
    with outside_tests(django_db_blocker), transaction.atomic():
        yield
        transaction.set_rollback(True)
