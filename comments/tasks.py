"""Background work about comments (run by `manage.py db_worker`)."""

from django_tasks import task

from . import notifications


@task()
def send_moderator_digests() -> int:
    """Enqueued by the worker every few minutes (PERIODIC_TASKS); sends only the digests due."""
    return notifications.send_digests()
