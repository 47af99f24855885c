"""What the comments area of an essay shows: the visible comments as threads, and the form."""

import re

from django.conf import settings

from .forms import CommentForm
from .models import Comment

SESSION_KEY = "my_comments"
MODERATION_NOTES = {
    "hold_all": "Comments are read by a moderator before they appear.",
    "hold_first_time": "A first comment is read by a moderator before it appears.",
    "approve_all": "",
}
REMEMBERED = 50


def remember_comment(request, comment: Comment) -> None:
    """Let this browser see its own comment while it waits for moderation."""
    mine = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = (mine + [comment.pk])[-REMEMBERED:]


def visible_comments(request, article) -> list[Comment]:
    """Approved comments, plus this visitor's own held ones (shown as awaiting moderation).

    A comment the rules marked as spam looks pending to its author, so spammers learn nothing.
    """
    comments = article.comments.approved()
    mine = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if mine:
        held = [Comment.Status.PENDING, Comment.Status.SPAM]
        comments |= article.comments.filter(pk__in=mine, status__in=held)
    return list(comments.order_by("created_at", "id"))


def build_tree(comments: list[Comment]) -> list[Comment]:
    """Nest comments under their parents (in `.children`); orphans become top-level."""
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(comment)
    return roots


def comment_context(request, article, form: CommentForm | None = None) -> dict:
    comments = visible_comments(request, article)
    reply_to = None
    if form is None and article.comments_open and article.is_live:
        reply_to = _reply_target(request.GET.get("replyto"), comments)
        form = CommentForm(
            article=article,
            user=request.user,
            initial={"parent": reply_to.pk if reply_to else None},
        )
    elif form is not None:
        reply_to = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    return {
        "comment_tree": build_tree(comments),
        "comment_form": form,
        "reply_to": reply_to,
        "moderation_note": MODERATION_NOTES[settings.COMMENTS_MODERATION],
    }


def _reply_target(raw, comments):
    if not raw or not re.fullmatch(r"[0-9]{1,18}", raw):
        return None
    return next(
        (c for c in comments if c.pk == int(raw) and c.status == Comment.Status.APPROVED), None
    )
