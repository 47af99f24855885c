"""Writes with side effects on comments. Each runs in one transaction, emails queued inside it."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.models import Article
from core.edge import purge

from . import notifications, spam, throttle
from .models import Comment, ModerationAction


@dataclass(frozen=True)
class ClientInfo:
    """Who sent a comment, as their request tells it: the address (core.client.client_ip),
    counted against the rate limit and stored with the comment for moderators, the browser's
    User-Agent, and the signed-in user (None or AnonymousUser for a guest)."""

    ip: str | None
    user_agent: str = ""
    user: Any = None


class CommentsClosed(Exception):
    """The essay takes no comments (switched off, or older than COMMENTS_CLOSE_AFTER_DAYS)."""


class RateLimited(Exception):
    """This address used up COMMENTS_RATE_LIMIT; it may post again in `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


class DuplicateComment(Exception):
    """This email address posted exactly this text within COMMENTS_DUPLICATE_WINDOW_HOURS."""


def ensure_open(article: Article) -> None:
    """Raise CommentsClosed unless the essay takes comments now."""
    if not article.comments_open:
        raise CommentsClosed


def submit_comment(*, article: Article, data: dict, client: ClientInfo) -> Comment:
    """Store a reader's comment with the status the spam rules and the policy give it.

    `data` is a valid CommentForm's cleaned_data plus `seconds_on_form`. Refusals, in order:
    CommentsClosed; RateLimited (the attempt is counted first, atomically in the cache, so
    concurrent posts cannot all pass); DuplicateComment, decided last, inside the transaction
    that stores the row, so a failed save leaves no claim behind (throttle.claim_new_text).
    A database error rolls everything back, gives the attempt back (the retry must not be a
    429: it was not the reader's doing) and is raised for the caller to report.
    Moderators are emailed (outbox) about held comments, in the same transaction.
    """
    ensure_open(article)
    attempt = throttle.count_attempt(client.ip)
    if attempt.limited:
        raise RateLimited(attempt.retry_after)
    try:
        with transaction.atomic():
            return _store(article=article, data=data, client=client)
    except DatabaseError:
        throttle.give_back(attempt)
        raise


def _store(*, article: Article, data: dict, client: ClientInfo) -> Comment:
    verdict = spam.assess(
        name=data["name"],
        email=data["email"],
        url=data.get("website", ""),
        text=data["text"],
        ip=client.ip,
        honeypot=data.get("leave_blank", ""),
        seconds_on_form=data["seconds_on_form"],
    )
    replied_to = data.get("parent")
    parent = attach_point(replied_to)
    if not throttle.claim_new_text(text=data["text"], email=data["email"].lower()):
        raise DuplicateComment
    user = client.user
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        in_reply_to=replied_to,
        depth=parent.depth + 1 if parent else 0,
        author_name=data["name"],
        author_email=data["email"],
        author_url=data.get("website", ""),
        user=user if user is not None and user.is_authenticated else None,
        text=data["text"],
        notify_replies=data.get("notify_replies", False),
        status=verdict.status,
        held_reasons=verdict.reasons,
        ip_address=client.ip,
        user_agent=printable(client.user_agent)[:300],
    )
    if comment.status == Comment.Status.APPROVED:
        refresh_comment_counts(article_ids=[article.pk])
        notifications.notify_parent_author(comment)
    elif comment.status == Comment.Status.PENDING:
        notifications.notify_moderators(comment)
    return comment


def printable(text: str) -> str:
    """Headers can carry NUL and control bytes; PostgreSQL refuses NUL in text columns."""
    return "".join(char for char in text if char.isprintable())


def attach_point(parent: Comment | None) -> Comment | None:
    """Replies deeper than COMMENTS_MAX_DEPTH attach to the deepest level instead."""
    while parent is not None and parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:
        parent = parent.parent
    return parent


@transaction.atomic
def moderate_comments(*, comments, status: str, moderator) -> int:
    """Move comments to `status`, record who did it and when, and keep counts right.

    Rows are locked first so two moderators acting at once leave each comment in one state.
    Nothing is deleted: spam and removed comments can be restored. Returns how many changed.
    """
    locked = list(
        Comment.objects.select_for_update(of=("self",))
        .filter(pk__in=[c.pk for c in comments])
        .order_by("pk")  # one locking order for everybody: no deadlocks
        .exclude(status=status)
        .select_related("article", "in_reply_to")
    )
    if not locked:
        return 0
    now = timezone.now()  # after the locks: the later moderator's action is the later record
    Comment.objects.filter(pk__in=[c.pk for c in locked]).update(
        status=status, moderated_by=moderator, moderated_at=now
    )
    ModerationAction.objects.bulk_create(
        ModerationAction(comment=c, moderator=moderator, status=status, created_at=now)
        for c in locked
    )
    refresh_comment_counts(article_ids={c.article_id for c in locked})
    for comment in locked:
        if status == Comment.Status.APPROVED:
            comment.status = status
            notifications.notify_parent_author(comment)
        elif comment.status == Comment.Status.APPROVED and comment.parent_author_notified:
            notifications.recall_reply_notice(comment)  # an undo within the notice's wait
    return len(locked)


@transaction.atomic
def refresh_comment_counts(*, article_ids) -> None:
    """Recount approved comments of these articles (a recount cannot drift, unlike +1/-1).

    The article rows are locked first, so two moderators approving comments on one essay at
    once recount one after the other and the second sees the first's change.
    """
    list(Article.objects.select_for_update().filter(pk__in=article_ids).order_by("pk").values("pk"))
    Article.objects.filter(pk__in=article_ids).update(
        comment_count=Comment.objects.approved().count_per_article()
    )
    # Their pages and the lists that show their counts; the latest-comments feed.
    purge.changed("comments", *(f"comments-{pk}" for pk in article_ids))


def unsubscribe(*, comment: Comment) -> None:
    Comment.objects.filter(pk=comment.pk).update(notify_replies=False)
