"""Importing a corpus file once for a whole test module (the corpus tests only read)."""

import io
from contextlib import contextmanager

from tests.shared_data import outside_tests


@contextmanager
def imported_once(django_db_blocker, command: str, path):
    """`command path` run once for a test module, outside the tests' own transactions, and
    undone afterwards through the import's journal (what it created, in reverse order) together
    with the revisions it wrote. The corpus tests only read, so they share one import."""
    from django.core.management import call_command
    from django.db.models import Max
    from reversion.models import Revision

    from articles.importers.journal import undo
    from articles.models import ImportRun

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    with outside_tests(django_db_blocker):
        last_revision = Revision.objects.aggregate(last=Max("id"))["last"] or 0
        call_command(command, str(path), **quiet)
    try:
        yield
    finally:
        with outside_tests(django_db_blocker):
            for run in ImportRun.objects.order_by("-id"):
                undo(run)
            ImportRun.objects.all().delete()
            Revision.objects.filter(id__gt=last_revision).delete()
