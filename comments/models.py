import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import linebreaks, urlize

from articles.models import Article


def render_comment_text(text: str) -> str:
    """Reader text as HTML: escaped, paragraphs and line breaks kept, bare URLs linked.

    urlize escapes everything it does not turn into a link, so no reader HTML survives.
    """
    html = urlize(text, nofollow=True, autoescape=True)
    # Only urlize writes real quotes: reader text has them escaped, so this cannot be forged.
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return linebreaks(html, autoescape=False)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """The one rule for what the public sees: approved comments."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def count_per_article(self):
        """An expression for an Article queryset: how many of these comments each essay has.

        A correlated subquery, so it is computed only for the rows used, unlike a JOIN + COUNT.
        """
        counts = (
            self.filter(article=models.OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return Coalesce(models.Subquery(counts), 0)


class CommentStatus(models.TextChoices):
    """`Comment.Status`: only approved comments are public; their authors see the others."""

    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed"


class Comment(models.Model):
    Status = CommentStatus

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    # A reply keeps its place if its parent is ever deleted outright (moderation never deletes).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    # The comment actually replied to; differs from `parent` when the thread was too deep and
    # the reply was attached higher up. Reply notices go to its author.
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    author_name = models.CharField("name", max_length=100)
    author_email = models.EmailField("email", blank=True)  # empty only for imported comments
    author_url = models.URLField("website", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.TextField()
    # `text` as the page shows it (render_comment_text), made on save rather than per view.
    # Whatever writes `text` without save() (bulk_create, update) must fill it too.
    text_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    # Each reason the spam rules or the moderation policy found, one per line.
    held_reasons = models.TextField("why held", blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    notify_replies = models.BooleanField("email me when someone replies", default=False)
    parent_author_notified = models.BooleanField(default=False, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_id = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)  # as imported

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["author_email", "created_at"], name="comment_email_idx"),
            # The moderation desk counts what each address has sent before (comments/desk.py).
            models.Index(fields=["ip_address", "status"], name="comment_ip_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommentStatus.values),
                name="comment_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article}"

    def save(self, *args, **kwargs):
        # One spelling per address, so the exact (indexed) lookups of the spam rules match.
        self.author_email = self.author_email.lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "text" in update_fields:
            self.text_html = render_comment_text(self.text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "text_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#c{self.pk}"

    @property
    def is_approved(self) -> bool:
        """The rule of `CommentQuerySet.approved()`, for one comment already loaded."""
        return self.status == self.Status.APPROVED

    @property
    def reasons(self) -> list[str]:
        return [line for line in self.held_reasons.splitlines() if line]


class ModerationAction(models.Model):
    """Who moved a comment to which status, and when."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="actions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Comment.Status)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.moderator} → {self.get_status_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class BlocklistEntry(models.Model):
    """A word, email address, domain or IP address (or range) whose comments go straight to spam."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Domain (email or website)"
        IP = "ip", "IP address or range"

    kind = models.CharField(max_length=10, choices=Kind)
    value = models.CharField(max_length=255)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name_plural = "blocklist entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="blocklist_unique_entry")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        self.value = self.value.strip().lower()
        if not self.value:
            raise ValidationError({"value": "Enter a value."})
        if self.kind == self.Kind.IP:
            try:
                ipaddress.ip_network(self.value, strict=False)
            except ValueError:
                raise ValidationError(
                    {"value": "Enter an IP address or a range such as 203.0.113.0/24."}
                ) from None
        elif self.kind == self.Kind.EMAIL:
            validate_email(self.value)
        elif self.kind == self.Kind.DOMAIN:
            self.value = self.value.lstrip("@.")
            if "." not in self.value or any(c in self.value for c in " /@"):
                raise ValidationError({"value": "Enter a domain such as example.com."})


class NoticePreference(models.Model):
    """How a moderator hears of held comments: one email each (the default), a digest, or none."""

    class HeldComments(models.TextChoices):
        EACH = "each", "An email for each held comment"
        DIGEST = "digest", "A digest of held comments"
        NONE = "none", "No email; I check the queue myself"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    held_comments = models.CharField(max_length=10, choices=HeldComments, default=HeldComments.EACH)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.user}: {self.get_held_comments_display()}"
