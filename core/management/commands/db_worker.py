"""django-tasks-db's worker, plus the sweeper thread of core/worker.py (same command name)."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from core.worker import Sweeper


class Command(db_worker.Command):
    help = db_worker.Command.help + ", and sweep the outbox and stale tasks"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Purges (core/edge) wait for the worker: a quarter second, not a whole one. An idle
        # poll is one indexed query.
        parser.set_defaults(interval=0.25)

    def handle(self, *args, **options):
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if options["batch"]:
            Sweeper().sweep_once(periodic=False)  # a batch run also picks up what was lost
        elif not reloader_parent:
            Sweeper().start()
        return super().handle(*args, **options)
