"""Background work of the site itself (django-tasks; run by `manage.py db_worker`)."""

from django_tasks import task

from . import mail


@task()
def deliver_email(email_id: int) -> str:
    return mail.deliver(email_id)
