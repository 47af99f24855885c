"""Email about comments, queued in the outbox of core/mail.py inside the caller's transaction
and sent by the task worker: a slow or broken mail server never holds up a request."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from core.mail import queue_email, single_line

from .models import Comment

UNSUBSCRIBE_SALT = "comments.unsubscribe"
MODERATORS = "Moderators"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT)


def comment_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def moderator_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    group = users.filter(groups__name=MODERATORS).values_list("email", flat=True)
    return sorted(set(group) | set(settings.COMMENTS_NOTIFY_EMAILS))


def notify_moderators(comment: Comment) -> bool:
    """One email per newly held comment: article, a short excerpt, reasons and the admin link."""
    recipients = moderator_emails()
    if not recipients:
        return False
    context = {
        "comment": comment,
        "excerpt": Truncator(comment.text).chars(200),
        "admin_url": site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
        "article_url": site_url(comment.article.get_absolute_url()),
    }
    return queue_email(
        key=f"held:{comment.pk}",
        to=recipients,
        subject=f"[{settings.SITE_NAME}] Comment held on “{single_line(comment.article.title)}”",
        body=render_to_string("comments/email/held.txt", context),
    )


def notify_parent_author(reply: Comment) -> bool:
    """Tell a commenter who asked for it that a reply to them was approved; once per reply."""
    parent = reply.in_reply_to
    if (
        parent is None
        or not parent.notify_replies
        or reply.status != Comment.Status.APPROVED
        or parent.author_email.lower() == reply.author_email.lower()
    ):
        return False
    # Marked in the same transaction as the approval; the outbox key makes it once per reply.
    claimed = Comment.objects.filter(pk=reply.pk, parent_author_notified=False).update(
        parent_author_notified=True
    )
    if not claimed:
        return False
    unsubscribe_url = site_url(
        reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(parent)})
    )
    context = {
        "reply": reply,
        "parent": parent,
        "reply_url": site_url(reply.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
    }
    title = single_line(reply.article.title)
    return queue_email(
        key=f"reply:{reply.pk}",
        to=[parent.author_email],
        subject=f"[{settings.SITE_NAME}] New reply to your comment on “{title}”",
        body=render_to_string("comments/email/reply.txt", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
