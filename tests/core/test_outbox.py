"""The outbox: every email queued with its change, sent once, retried, visible when it fails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import mail as outbox
from core.models import OutgoingEmail
from core.worker import fail_stale_tasks, forget_old_work, sweep_outbox

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def queue(key="notice:1", **fields):
    fields = {"to": ["reader@example.org"], "subject": "Hello", "body": "Body"} | fields
    return outbox.queue_email(key=key, **fields)


def test_an_email_is_sent_once_even_if_queued_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue() is True
        assert queue() is False  # same key: the same notice
    assert len(mail.outbox) == 1
    email = OutgoingEmail.objects.get()
    assert email.status == "sent" and email.sent_at is not None
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert outbox.deliver(email.pk) == "nothing to send"  # a late duplicate task sends nothing
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_sends_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_a_subject_never_spans_lines(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(subject="On “Bridges\r\nBcc: victim@example.org”")
    assert mail.outbox[0].subject == "On “Bridges Bcc: victim@example.org”"
    assert "Bcc" not in mail.outbox[0].message().get("Bcc", "")


def test_failures_are_retried_with_backoff_then_shown_as_failed(
    settings, django_capture_on_commit_callbacks, admin_client
):
    settings.EMAIL_BACKEND = "tests.comments.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    email = OutgoingEmail.objects.get()
    assert email.status == "queued" and email.attempts == 1
    first_wait = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
    assert email.give_up_at - email.created_at > timedelta(hours=71, minutes=59)

    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    sweep_outbox()  # the second attempt, once due, waits twice as long
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 2
    assert timedelta(seconds=50) < email.next_attempt_at - timezone.now() <= timedelta(minutes=1)

    past = timezone.now() - timedelta(minutes=5)
    OutgoingEmail.objects.update(next_attempt_at=past, give_up_at=past)  # 72 hours later
    sweep_outbox()
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == 3
    assert "SMTP server unreachable" in email.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    changelist = reverse("admin:core_outgoingemail_changelist")
    page = admin_client.get(changelist, {"status": "failed"})
    assert "Hello" in page.text and "reader@example.org" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist, {"action": "retry", "_selected_action": [email.pk]}, follow=True
        )
    assert "1 email queued again." in response.text
    assert len(mail.outbox) == 1 and OutgoingEmail.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)  # the worker closes the connection
def test_a_send_whose_worker_died_is_tried_again_after_its_lease(settings):
    settings.TASKS = DATABASE_TASKS  # nothing runs until the test says so
    queue()
    email = OutgoingEmail.objects.get()
    assert outbox.claim(email.pk) is not None  # a worker took it … and died
    DBTaskResult.objects.update(status="RUNNING")  # as its task is left
    assert outbox.claim(email.pk) is None  # nobody else sends it meanwhile
    assert sweep_outbox() == 0
    OutgoingEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sweep_outbox() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2


def test_a_worker_whose_lease_ran_out_cannot_undo_the_next_ones_send():
    queue()
    email = OutgoingEmail.objects.get()
    slow = outbox.claim(email.pk)  # a send that takes longer than its lease
    OutgoingEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox.deliver(email.pk) == "sent"  # another worker takes over and succeeds
    assert outbox._failed(slow, TimeoutError("late")) == "taken over by another worker"
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2 and email.last_error == ""
    assert outbox.retry([email]) == 0 and len(mail.outbox) == 1  # a sent email is never resent


def test_the_sweep_leaves_alone_emails_whose_task_is_still_waiting(settings):
    settings.TASKS = DATABASE_TASKS
    queue()
    email = OutgoingEmail.objects.get()
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert sweep_outbox() == 1  # its task was lost: one is queued
    assert sweep_outbox() == 0  # a busy worker is not a lost one: no second task
    assert DBTaskResult.objects.filter(args_kwargs__args=[email.pk]).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes the connection
def test_an_email_given_up_on_is_sent_when_its_task_is_run_again(
    settings, admin_client, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "tests.comments.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    OutgoingEmail.objects.update(give_up_at=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert OutgoingEmail.objects.get().status == "failed"
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "DeliveryFailed" in failed.exception_class_path

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    response = admin_client.post(
        changelist, {"action": "retry", "_selected_action": [failed.pk]}, follow=True
    )
    assert "1 task queued again." in response.text
    assert not DBTaskResult.objects.filter(status="FAILED").exists()  # it left the list
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1 and OutgoingEmail.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True)  # the worker closes the connection
def test_failed_tasks_are_listed_with_their_error_and_can_be_run_again(
    settings, admin_client, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_STALE_MINUTES = 60
    with django_capture_on_commit_callbacks(execute=True):
        queue()  # enqueues the delivery task
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(hours=2))
    assert fail_stale_tasks() == 1  # its worker was killed: shown as failed, not running forever

    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = admin_client.get(changelist, {"status__exact": "FAILED"})
    assert "deliver_email" in page.text and "stopped before it finished" in page.text
    response = admin_client.post(
        changelist, {"action": "retry", "_selected_action": [task.pk]}, follow=True
    )
    assert "1 task queued again." in response.text
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)  # the worker closes the connection
def test_old_finished_work_is_forgotten_but_failures_are_kept(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        queue("old"), queue("failed")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    long_ago = timezone.now() - timedelta(days=settings.TASK_KEEP_DAYS + 1)
    OutgoingEmail.objects.filter(key="failed").update(status="failed")
    OutgoingEmail.objects.update(sent_at=long_ago)
    DBTaskResult.objects.update(finished_at=long_ago)
    forget_old_work()
    assert list(OutgoingEmail.objects.values_list("key", flat=True)) == ["failed"]
    assert not DBTaskResult.objects.exists()
