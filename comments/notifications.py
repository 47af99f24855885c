"""Email about comments, queued in the outbox of core/mail.py inside the caller's transaction
and sent by the task worker: a slow or broken mail server never holds up a request."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from core.mail import cancel_email, queue_email, single_line

from .models import Comment, NoticePreference

UNSUBSCRIBE_SALT = "comments.unsubscribe"
# An unsubscribe link works for a year after the email; a stolen or archived one stops working.
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)
MODERATORS = "Moderators"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(comment: Comment) -> str:
    """Signed and timestamped: which comment's reply notices to stop (UNSUBSCRIBE_MAX_AGE)."""
    return signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT)


def comment_from_token(token: str) -> int:
    """The comment id in an unsubscribe link.

    Raises signing.SignatureExpired for a link older than UNSUBSCRIBE_MAX_AGE and
    signing.BadSignature for one that was cut short or altered.
    """
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except ValueError as exc:  # a valid signature over something that is not our JSON
        raise signing.BadSignature("Malformed unsubscribe token") from exc
    if type(value) is not int:
        raise signing.BadSignature("Malformed unsubscribe token")
    return value


def moderators():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(groups__name=MODERATORS)


def moderator_emails() -> list[str]:
    """Who gets one email per held comment: moderators who have not chosen a digest or none."""
    each = moderators().exclude(
        notice_preference__held_comments__in=[
            NoticePreference.HeldComments.DIGEST,
            NoticePreference.HeldComments.NONE,
        ]
    )
    return sorted(set(each.values_list("email", flat=True)) | set(settings.COMMENTS_NOTIFY_EMAILS))


def notify_moderators(comment: Comment) -> bool:
    """One email per newly held comment: article, a short excerpt, reasons and the admin link."""
    recipients = moderator_emails()
    if not recipients:
        return False
    context = {
        **held_item(comment),
        "article_url": site_url(comment.article.get_absolute_url()),
    }
    return queue_email(
        key=f"held:{comment.pk}",
        to=recipients,
        subject=f"[{settings.SITE_NAME}] Comment held on “{single_line(comment.article.title)}”",
        body=render_to_string("comments/email/held.txt", context),
    )


def held_item(comment: Comment) -> dict:
    return {
        "comment": comment,
        "excerpt": Truncator(comment.text).chars(200),
        "admin_url": site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
    }


def send_digests(now=None) -> int:
    """Queue a digest for each moderator who chose one and whose last digest is old enough."""
    now = now or timezone.now()
    period = timedelta(hours=settings.COMMENTS_DIGEST_HOURS)
    sent = 0
    wanting = moderators().filter(
        notice_preference__held_comments=NoticePreference.HeldComments.DIGEST
    )
    for user in wanting:
        with transaction.atomic():
            preference = NoticePreference.objects.select_for_update().get(user=user)
            since = preference.digest_sent_at
            if since is not None and since > now - period:
                continue
            since = since or now - period
            preference.digest_sent_at = now
            preference.save(update_fields=["digest_sent_at"])
            sent += queue_digest(
                user.email, since=since, now=now, key=f"digest:{user.pk}:{int(now.timestamp())}"
            )
    return sent


def queue_digest(address: str, *, since, now, key: str) -> bool:
    pending = Comment.objects.pending().select_related("article")
    new = list(pending.filter(created_at__gt=since, created_at__lte=now).order_by("created_at"))
    if not new:
        return False
    queue = reverse("admin:comments_comment_changelist")
    context = {
        "comments": [held_item(comment) for comment in new],
        "total": pending.count(),
        "since": since,
        "hours": settings.COMMENTS_DIGEST_HOURS,
        "queue_url": site_url(queue),
        "preference_url": site_url(reverse("admin:comments_notice_preference")),
    }
    count = len(new)
    return queue_email(
        key=key,
        to=[address],
        subject=f"[{settings.SITE_NAME}] {count} comment{'s' if count > 1 else ''} to moderate",
        body=render_to_string("comments/email/digest.txt", context),
    )


def reply_notice_key(reply: Comment) -> str:
    return f"reply:{reply.pk}"


def recall_reply_notice(reply: Comment) -> bool:
    """A reply approved a moment ago is no longer approved: take its notice back if it has not
    gone yet (and let a later approval send it again). False if it was sent already."""
    if not cancel_email(reply_notice_key(reply)):
        return False
    Comment.objects.filter(pk=reply.pk).update(parent_author_notified=False)
    return True


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
    # Held back a little, so a moderator's undo (u on the desk) can still recall it.
    delay = settings.COMMENTS_REPLY_NOTICE_DELAY_SECONDS
    return queue_email(
        key=reply_notice_key(reply),
        send_at=timezone.now() + timedelta(seconds=delay) if delay else None,
        to=[parent.author_email],
        subject=f"[{settings.SITE_NAME}] New reply to your comment on “{title}”",
        body=render_to_string("comments/email/reply.txt", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
