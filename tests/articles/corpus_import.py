"""Importing a corpus file once for a whole test module (the corpus tests only read)."""

import io
from contextlib import contextmanager

from tests.shared_data import rolled_back_after_module


@contextmanager
def imported_once(django_db_blocker, command: str, path):
    """`command path` run once for a test module, in a transaction rolled back when the module
    ends; each test runs in a savepoint inside it (tests/shared_data.py)."""
    from django.core.management import call_command

    with rolled_back_after_module(django_db_blocker):
        call_command(command, str(path), stdout=io.StringIO(), stderr=io.StringIO())
        yield
