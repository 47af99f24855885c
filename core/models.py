from django.db import models
from django.utils import timezone


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Mail to try now: queued and due, or a send whose worker died (its lease is over)."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)
            | models.Q(status=OutgoingEmail.Status.SENDING, lease_until__lt=now)
        )


class OutgoingEmail(models.Model):
    """The outbox: one row per email the site owes someone, written in the same transaction as
    the change that causes it, so an email can be late but never forgotten (core/mail.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # What the email is about, e.g. "reply:42"; unique, so the same notice is never queued twice.
    key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    # The same Message-ID on every attempt: a copy the server saw twice is recognisably one mail.
    message_id = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Failures are retried (with a doubling wait, at most an hour) until then; then "failed".
    give_up_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return self.subject
