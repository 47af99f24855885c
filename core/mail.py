"""Email through an outbox: queued in the caller's transaction, sent by the task worker.

Decision (issue 12): an outbox row rather than a bare `on_commit(task.enqueue)`. The row is
written in the same transaction as the change that causes the email, so a crash between the
commit and the enqueue cannot lose it: the worker's sweep (core/worker.py) finds rows that are
due and sends them. Sending is idempotent: a worker claims a row (status "sending" with a lease)
before talking to the SMTP server and marks it sent only after the server accepted the message;
a row whose worker died mid-send is tried again once its lease is over. The one window where a
second copy is possible is between the server's "250 OK" and our UPDATE (milliseconds); both
copies then carry the same Message-ID, which mail clients use to fold duplicates.
"""

import logging
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)


def single_line(text: str) -> str:
    """A header value from free text: line breaks (and other control characters) become spaces.

    A newline in an essay title or a commenter's name would otherwise make Django refuse the
    whole message (BadHeaderError), or worse, start a new header.
    """
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def queue_email(
    *, key: str, to: list[str], subject: str, body: str, headers=None, send_at=None
) -> bool:
    """Queue one email; False if an email with this key was queued before (never sent twice).

    Call inside the transaction of the change that causes the email: if it rolls back, so does
    the email. The worker is told after the commit; if that nudge is lost, its sweep finds the row.
    With `send_at`, nothing is sent before then, and `cancel_email` can still take it back.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return False
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                key=key,
                to=recipients,
                subject=single_line(subject)[:255],
                body=body,
                headers=headers or {},
                message_id=make_msgid(domain=_mail_domain()),
                next_attempt_at=send_at or timezone.now(),
                give_up_at=(send_at or timezone.now()) + give_up_after(),
            )
    except IntegrityError:
        return False
    transaction.on_commit(lambda: enqueue_delivery(email.pk, when=send_at))
    return True


def cancel_email(key: str) -> bool:
    """Take back a queued email no worker has tried yet; True if there was one. Its key is
    free again, so the same change made once more queues it anew."""
    deleted, _ = OutgoingEmail.objects.filter(
        key=key, status=OutgoingEmail.Status.QUEUED, attempts=0
    ).delete()
    return bool(deleted)


def enqueue_delivery(email_id: int, *, when=None) -> None:
    from .tasks import deliver_email  # the task module imports this one

    task = deliver_email
    if when is not None and task.get_backend().supports_defer:
        task = task.using(run_after=when)
    try:
        task.enqueue(email_id)
    except Exception:  # the row is safe in the outbox; the worker's sweep will send it
        logger.warning(
            "Could not enqueue email %s; the sweep will send it", email_id, exc_info=True
        )


def lease_seconds() -> int:
    """How long a send may take before another worker may assume the first one died.

    EMAIL_TIMEOUT bounds each step of the SMTP conversation (connect, greeting, EHLO, TLS,
    login, MAIL, RCPT, DATA, the final answer), not the whole: the lease covers twelve steps.
    """
    return settings.EMAIL_SEND_LEASE_SECONDS or max(120, settings.EMAIL_TIMEOUT * 12)


def give_up_after() -> timedelta:
    return timedelta(hours=settings.EMAIL_GIVE_UP_HOURS)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … doubling, at most an hour between attempts."""
    return timedelta(seconds=min(3600, settings.EMAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


def claim(email_id: int) -> OutgoingEmail | None:
    """Take a due email for sending, or None if it is sent, being sent, or not due yet.

    One conditional UPDATE: of two workers claiming at once, on PostgreSQL or SQLite, the second
    finds the row no longer due and gets nothing.
    """
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id)
        .due(now)
        .update(
            status=OutgoingEmail.Status.SENDING,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=lease_seconds()),
        )
    )
    return OutgoingEmail.objects.get(pk=email_id) if claimed else None


def _finish(email: OutgoingEmail, **fields) -> bool:
    """Record the outcome of this attempt, unless another worker took the email over since
    (our lease ran out): then its attempt, not ours, decides."""
    mine = OutgoingEmail.objects.filter(
        pk=email.pk, status=OutgoingEmail.Status.SENDING, attempts=email.attempts
    )
    return bool(mine.update(lease_until=None, **fields))


class DeliveryFailed(Exception):
    """The SMTP server did not take the message for EMAIL_GIVE_UP_HOURS: given up."""


def deliver(email_id: int) -> str:
    """Send one queued email (the task's body). Returns what happened, for the task result."""
    email = claim(email_id)
    if email is None:
        return "nothing to send"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=email.to,
        headers={**email.headers, "Message-ID": email.message_id},
    )
    try:
        with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
            connection.send_messages([message])
    except Exception as exc:  # any backend failure: kept, retried later
        return _failed(email, exc)
    _finish(email, status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def _failed(email: OutgoingEmail, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    given_up = now >= email.give_up_at
    when = now + backoff(email.attempts)
    status = OutgoingEmail.Status.FAILED if given_up else OutgoingEmail.Status.QUEUED
    if not _finish(email, status=status, next_attempt_at=when, last_error=error):
        return "taken over by another worker"
    if given_up:
        logger.error("Gave up on email %s after %s attempts: %s", email.pk, email.attempts, error)
        raise DeliveryFailed(error) from exc
    logger.warning("Email %s not sent (attempt %s), retrying: %s", email.pk, email.attempts, error)
    enqueue_delivery(email.pk, when=when)
    return f"retry at {when:%H:%M:%S}"


def retry(emails) -> int:
    """Queue failed or waiting emails again, due now, with a fresh EMAIL_GIVE_UP_HOURS.

    A send in progress (its lease still running) is left alone: that would be a second copy.
    """
    now = timezone.now()
    waiting = OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]).filter(
        Q(status__in=[OutgoingEmail.Status.FAILED, OutgoingEmail.Status.QUEUED])
        | Q(status=OutgoingEmail.Status.SENDING, lease_until__lt=now)
    )
    ids = list(waiting.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids).update(
        status=OutgoingEmail.Status.QUEUED,
        next_attempt_at=now,
        give_up_at=now + give_up_after(),
        lease_until=None,
    )
    for email_id in ids:
        transaction.on_commit(lambda pk=email_id: enqueue_delivery(pk))
    return len(ids)


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"
