"""Readers' comments from a Blogger export, stored when the articles importer has stored the
posts (it sends `comments_read`; connected in apps.py). Updated in place on a re-import,
every change noted in the run's journal, so a failed run is taken back whole.
"""

import html
import re
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from articles.importers import blogger
from articles.importers.blogger_import import (
    BloggerImport,
    batches,
    record_digest,
    source_tail,
)
from articles.models import Article

from ..models import Comment, render_comment_text
from ..services import refresh_comment_counts


def store_blogger_comments(sender, *, run: BloggerImport, comments, progress, **kwargs) -> None:
    """The `comments_read` receiver: store, then thread and recount, the run's comments."""
    to_thread = []  # (pk, reply tail, article pk, time) of each comment stored by this run
    for batch in batches(comments):
        with transaction.atomic():
            for record in batch:
                stored = _store_comment(record, run)
                if stored:
                    to_thread.append(stored)
        progress(len(batch))
    with transaction.atomic():
        thread(to_thread, key=source_tail)
        refresh_comment_counts(article_ids=set(run.posts.values()))


def _store_comment(record: blogger.Comment, run: BloggerImport) -> tuple | None:
    article_id = run.posts.get(record.post_id) or _article_of(record.post_id)
    reply_tail = source_tail(record.reply_to_id) if record.reply_to_id else None
    if article_id is None:
        # Some legacy exports name the comment answered in thr:in-reply-to instead.
        answered = Comment.objects.filter(source_id=record.post_id).values("article_id").first()
        if answered is None:
            page = run.pages.get(source_tail(record.post_id))
            why = (
                f"comment on the page {page} (pages take no comments here)"
                if page
                else "comment on a post that is not in the export"
            )
            run.summary.skipped.append((record.source_id, why))
            return None
        article_id, reply_tail = answered["article_id"], source_tail(record.post_id)
    digest = record_digest(record)
    existing = Comment.objects.filter(source_id=record.source_id).first()
    if existing and existing.source_digest == digest:
        run.summary.unchanged["comments"] += 1
        return None
    fields = {
        "article_id": article_id,
        "author_name": record.author[:100],
        "author_email": record.email[:254].lower() if "@" in record.email else "",
        "author_url": record.url[:200] if record.url.startswith(("http://", "https://")) else "",
        "text": html_to_text(record.html),
        # A comment that was not live on Blogger (held, deleted) is never shown here either.
        "status": Comment.Status.APPROVED if record.live else Comment.Status.REMOVED,
        "created_at": record.published,
        "source_digest": digest,
    }
    if existing:
        run.journal.updating(existing)
        fields["text_html"] = render_comment_text(fields["text"])  # update() skips save()
        Comment.objects.filter(pk=existing.pk).update(**fields)
        pk = existing.pk
        run.summary.updated["comments"] += 1
    else:
        comment = Comment.objects.create(source_id=record.source_id, **fields)
        run.journal.created(comment)
        pk = comment.pk
        run.summary.created["comments"] += 1
    run.posts.setdefault(record.post_id, article_id)
    return pk, reply_tail, article_id, record.published


def _article_of(post_id: str) -> int | None:
    return Article.objects.filter(source_id=post_id).values_list("pk", flat=True).first()


def thread(to_thread: list[tuple], *, key: Callable[[str], str]) -> None:
    """Set parent, in_reply_to and depth of the comments stored by an import run.

    `to_thread` holds (pk, what the comment answers, article pk, time) per stored comment;
    "what it answers" is `key(source_id)` of the comment answered. Done after all comments are
    in, since a reply may come before the comment it answers. Replies deeper than
    COMMENTS_MAX_DEPTH attach to the deepest level allowed.
    """
    if not to_thread:
        return
    rows = Comment.objects.filter(
        article_id__in={article_id for _, _, article_id, _ in to_thread},
        source_id__isnull=False,
    ).values_list("pk", "source_id", "article_id", "parent_id", "depth")
    by_pk = {pk: [article_id, parent_id, depth] for pk, _, article_id, parent_id, depth in rows}
    by_tail = {key(source_id): pk for pk, source_id, *_ in rows}
    changed = []
    for pk, reply_tail, article_id, _ in sorted(to_thread, key=lambda row: row[3]):
        answered = by_tail.get(reply_tail or "")
        if answered is None or by_pk[answered][0] != article_id or answered == pk:
            answered = None
        parent = answered
        while parent is not None and by_pk[parent][2] + 1 >= settings.COMMENTS_MAX_DEPTH:
            parent = by_pk[parent][1]
        by_pk[pk][1:] = [parent, by_pk[parent][2] + 1 if parent else 0]
        changed.append(
            Comment(pk=pk, parent_id=parent, in_reply_to_id=answered, depth=by_pk[pk][2])
        )
    Comment.objects.bulk_update(changed, ["parent", "in_reply_to", "depth"], batch_size=500)


def html_to_text(markup: str) -> str:
    """Blogger stores comments as HTML; readers' comments here are plain text."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = re.sub(r"<[^<>]*>", "", text)  # [^<>]: a run of "<" is read once, not once each
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
