"""What the task worker does besides running tasks: every TASK_SWEEP_SECONDS it

- sends outbox emails whose nudge was lost or whose worker died mid-send (core/mail.py);
- marks tasks that have been "running" for TASK_STALE_MINUTES as failed (their worker was
  killed), so they show up among failed tasks in the admin with a retry action;
- enqueues the periodic tasks named in PERIODIC_TASKS (e.g. moderators' digests);
- forgets successful task results and sent emails after TASK_KEEP_DAYS (failures stay until
  someone retries or deletes them).
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .mail import enqueue_delivery
from .models import OutgoingEmail

logger = logging.getLogger(__name__)
NUDGE_GRACE = timedelta(seconds=60)  # a queued email's own task normally runs well before this


def waiting_for(*tasks, running=False) -> set:
    """The first argument of every task of these kinds still waiting (or, with `running`, being
    run): what already has a task, so a sweep never queues it twice (a busy worker is not a
    lost one). An email's running task is not counted: its lease says whether it is alive."""
    paths = [task.module_path for task in tasks]
    statuses = ["READY", "RUNNING"] if running else ["READY"]
    pending = DBTaskResult.objects.filter(task_path__in=paths, status__in=statuses)
    return {args["args"][0] for args in pending.values_list("args_kwargs", flat=True)}


def sweep_outbox(now=None) -> int:
    from .tasks import deliver_email

    now = now or timezone.now()
    overdue = OutgoingEmail.objects.due(now).exclude(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at__gt=now - NUDGE_GRACE
    )
    queued = waiting_for(deliver_email)
    ids = [pk for pk in overdue.values_list("pk", flat=True)[:500] if pk not in queued]
    for email_id in ids:
        enqueue_delivery(email_id)
    return len(ids)


def fail_stale_tasks(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.TASK_STALE_MINUTES)
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=cutoff)
        .update(
            status="FAILED",
            finished_at=now,
            exception_class_path="core.worker.WorkerLost",
            traceback=f"The worker running this task stopped before it finished (running for "
            f"more than {settings.TASK_STALE_MINUTES} minutes). Retry it from the task list.",
        )
    )


def forget_old_work(now=None) -> None:
    cutoff = (now or timezone.now()) - timedelta(days=settings.TASK_KEEP_DAYS)
    DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT, sent_at__lt=cutoff).delete()


class Sweeper(threading.Thread):
    def __init__(self):
        super().__init__(name="task-sweeper", daemon=True)
        self.last_run: dict[str, float] = {}

    def run(self):
        while True:
            try:
                self.sweep_once()
            except Exception:  # the database may be away for a moment; try again next round
                logger.warning("Task sweep failed", exc_info=True)
            finally:
                connection.close()
            time.sleep(settings.TASK_SWEEP_SECONDS)

    def sweep_once(self, *, periodic=True):
        close_old_connections()
        sweep_outbox()
        fail_stale_tasks()
        forget_old_work()
        if periodic:
            self.enqueue_periodic_tasks()

    def enqueue_periodic_tasks(self):
        clock = time.monotonic()
        for path, every in settings.PERIODIC_TASKS.items():
            if clock - self.last_run.get(path, float("-inf")) >= every:
                import_string(path).enqueue()
                self.last_run[path] = clock
