"""What the comments area of an essay shows ({% comment_area %}): the visible comments as threads,
and the form."""

import re
from collections import defaultdict
from typing import NamedTuple

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
    found = list(comments.order_by("created_at", "id"))
    if mine:
        forget_decided(request, mine)
    return found


def forget_decided(request, mine: list[int]) -> None:
    """Forget the reader's comments a moderator has decided on. With none left waiting, the
    session is empty and its cookie goes: the reader's pages are shared (cached) again."""
    held = [Comment.Status.PENDING, Comment.Status.SPAM]
    waiting = list(
        Comment.objects.filter(pk__in=mine, status__in=held).values_list("pk", flat=True)
    )
    if len(waiting) != len(mine):
        if waiting:
            request.session[SESSION_KEY] = [pk for pk in mine if pk in waiting]
        elif set(request.session.keys()) == {SESSION_KEY}:
            request.session.flush()  # nothing else in it: the cookie is deleted too
        else:
            del request.session[SESSION_KEY]


class ThreadItem(NamedTuple):
    comment: Comment
    has_replies: bool  # its replies follow, in a list nested in its <li>
    closes: range  # how many reply lists (each with the <li> holding it) end after it


def thread_order(comments: list[Comment]) -> list[ThreadItem]:
    """The comments in the order the page shows them, for one flat loop (_thread.html).

    Each comment is followed by its replies, depth first, in the order given (oldest first);
    a reply whose parent is not shown starts a thread of its own.
    """
    shown = {comment.pk for comment in comments}
    roots, replies = [], defaultdict(list)
    for comment in comments:
        if comment.parent_id in shown:
            replies[comment.parent_id].append(comment)
        else:
            roots.append(comment)
    walked = []  # (comment, depth)
    stack = [(comment, 0) for comment in reversed(roots)]
    while stack:
        comment, depth = stack.pop()
        walked.append((comment, depth))
        stack.extend((reply, depth + 1) for reply in reversed(replies[comment.pk]))
    items = []
    for n, (comment, depth) in enumerate(walked):
        following = walked[n + 1][1] if n + 1 < len(walked) else 0
        has_replies = following > depth
        items.append(
            ThreadItem(comment, has_replies, range(0 if has_replies else depth - following))
        )
    return items


def comment_context(request, article, form: CommentForm | None = None) -> dict:
    """What `{% comment_area %}` shows: the thread, the reply target, the moderation note and
    the form (`form` when given: a refused comment with its errors; else a fresh one, replying
    to ?replyto= when that is an approved comment shown here)."""
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
        "comment_thread": thread_order(comments),
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
