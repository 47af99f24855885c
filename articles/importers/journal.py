"""A journal of what an import run changed, so a failed or killed run can be taken back.

Each batch of an import commits on its own (a 50 MB export in one transaction held every
row in memory and the database locked for the whole run). To keep "a failed import leaves
nothing half-imported", every row a run creates or updates is noted in the same transaction
as the change: created rows are deleted on undo, updated rows get their earlier state back.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.core import serializers
from django.db import models, transaction
from django.utils import timezone

from ..models import ImportChange, ImportRun


class Journal:
    def __init__(self, run: ImportRun):
        self.run = run

    @classmethod
    def start(cls, source: str) -> "Journal":
        return cls(ImportRun.objects.create(source=source[:500]))

    def created(self, obj: models.Model) -> None:
        ImportChange.objects.create(run=self.run, model=obj._meta.label_lower, object_id=obj.pk)

    def updating(self, obj: models.Model) -> None:
        """Call before changing `obj`: keeps the row as it is in the database now."""
        current = type(obj)._default_manager.filter(pk=obj.pk)
        ImportChange.objects.create(
            run=self.run,
            model=obj._meta.label_lower,
            object_id=obj.pk,
            previous=serializers.serialize("json", current),
        )

    def update(self, obj: models.Model, fields: dict) -> None:
        """Set `fields` on `obj` and save it, its state before noted first."""
        self.updating(obj)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()

    def finish(self) -> None:
        self.run.status = ImportRun.Status.DONE
        self.run.finished_at = timezone.now()
        self.run.save(update_fields=["status", "finished_at"])


@contextmanager
def journaled(source: str) -> Iterator[Journal]:
    """One import run's journal: if the block fails (or is interrupted), the run is undone."""
    journal = Journal.start(source)
    try:
        yield journal
    except BaseException:
        undo(journal.run)
        raise
    journal.finish()


def maybe_dry(body: Callable, *, dry_run: bool):
    """`body()`; for a dry run inside one transaction rolled back at the end, so its summary
    says exactly what a real run would change, and nothing is changed."""
    if not dry_run:
        return body()
    with transaction.atomic():
        result = body()
        transaction.set_rollback(True)
    return result


@transaction.atomic
def undo(run: ImportRun) -> int:
    """Take back everything `run` changed, newest change first; returns how many changes."""
    changes = list(run.changes.order_by("-id"))
    for change in changes:
        model = apps.get_model(change.model)
        if change.previous:
            for restored in serializers.deserialize("json", change.previous):
                restored.save()
        else:
            model._default_manager.filter(pk=change.object_id).delete()
    run.status = ImportRun.Status.UNDONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return len(changes)


def undo_interrupted() -> list[ImportRun]:
    """Runs left "running" by a process that was killed: undo them before a new run."""
    interrupted = list(ImportRun.objects.filter(status=ImportRun.Status.RUNNING))
    for run in interrupted:
        undo(run)
    return interrupted
