"""Readers' comments from a WordPress export, stored once the articles importer has stored the
posts (it sends `wordpress_comments_read`; connected in signals.py). Updated in place on a
re-import, every change noted in the run's journal, so a failed run is taken back whole.

Statuses: approved (1) → approved, held (0) → pending, spam → spam, trash → removed.
Pingbacks and trackbacks are not imported: they are other sites announcing a link, not words a
reader wrote, and most of those left in old exports are spam; the summary counts them.
The commenter's name, email, website and IP address are kept: they are the site owner's data,
needed to moderate and to answer, and never shown to readers; the IPs are purged after
COMMENT_IP_RETENTION_DAYS by `purge_comment_ips`, as for comments posted here.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.db import transaction

from articles.importers import wordpress
from articles.importers.blogger_import import batches, record_digest
from articles.importers.wordpress_import import WordPressImport
from articles.models import Article

from ..models import Comment, ModerationAction
from ..services import refresh_comment_counts
from .blogger import html_to_text

STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
LINK_NOTICES = {"pingback", "trackback"}


def store_wordpress_comments(sender, *, run: WordPressImport, comments, progress, **kwargs) -> None:
    """The `wordpress_comments_read` receiver: store, thread and recount, one post at a time.

    WXR keeps each post's comments inside its item, so a post's thread is complete when its
    last comment is read: memory holds one post's comments, never the whole site's.
    """
    skipped_notices = 0
    for _post, records in groupby(comments, key=lambda record: record.post_source_id):
        stored: list[_Stored] = []
        ids: dict[str, int] = {}  # WordPress comment id → pk, for this post
        for batch in batches(records):
            with transaction.atomic():
                for record in batch:
                    if record.kind in LINK_NOTICES:
                        skipped_notices += 1
                    elif row := _store(record, run, ids):
                        stored.append(row)
            progress(len(batch))
        if stored:
            with transaction.atomic():
                _thread(stored, ids)
                refresh_comment_counts(article_ids=[stored[0].article_id])
    if skipped_notices:
        run.summary.notes.append(
            f"{skipped_notices} pingbacks and trackbacks not imported (links from other sites)"
        )


@dataclass
class _Stored:
    pk: int
    article_id: int
    answers: str | None  # the WordPress comment id answered
    thread: dict | None  # export_site's {"parent", "in_reply_to"} (WordPress comment ids)
    published: datetime


def _store(record: wordpress.Comment, run: WordPressImport, ids: dict) -> _Stored | None:
    article_id = run.posts.get(record.post_source_id) or _article_of(record.post_source_id)
    if article_id is None:
        if record.post_source_id not in run.pages:  # comments on a skipped post go with it
            return None
        run.summary.skipped.append(
            (record.source_id, f"comment on the page {run.pages[record.post_source_id]} "
             "(pages take no comments here)")
        )  # fmt: skip
        return None
    digest = record_digest(record)
    existing = Comment.objects.filter(source_id=record.source_id).first()
    if existing and existing.source_digest == digest:
        run.summary.unchanged["comments"] += 1
        ids[record.comment_id] = existing.pk
        return None
    email = record.email.strip()
    fields = {
        "article_id": article_id,
        "author_name": record.author[:100],
        "author_email": email[:254].lower() if "@" in email else "",
        "author_url": record.url[:200] if record.url.startswith(("http://", "https://")) else "",
        "ip_address": _address(record.ip),
        # Ours is the text the reader typed; WordPress's is HTML (its allowed tags, entities).
        "text": record.text if run.site.ours else html_to_text(record.text.replace("\r\n", "\n")),
        "status": STATUSES.get(record.approved, Comment.Status.PENDING),
        "held_reasons": record.meta.get("_essay_held_reasons", "")
        or ("imported from WordPress as held" if record.approved == "0" else ""),
        "notify_replies": record.meta.get("_essay_notify_replies") == "1",
        "created_at": record.published,
        "source_digest": digest,
    }
    fields["text"] = fields["text"] or "(empty comment)"
    if existing and existing.moderated_at and existing.status != fields["status"]:
        del fields["status"]  # a moderator decided here since: theirs to keep
    if existing:
        run.journal.update(existing, fields)
        comment = existing
        run.summary.updated["comments"] += 1
    else:
        comment = Comment.objects.create(source_id=record.source_id, **fields)
        run.journal.created(comment)
        run.summary.created["comments"] += 1
        _store_history(comment, record, run)
    ids[record.comment_id] = comment.pk
    thread = wordpress.json_value(record.meta.get("_essay_thread", ""), {}) or None
    return _Stored(
        comment.pk, article_id, record.answers, thread if isinstance(thread, dict) else None,
        record.published,
    )  # fmt: skip


def _thread(stored: list[_Stored], ids: dict[str, int]) -> None:
    """Set parent, in_reply_to and depth of one post's comments stored by this run.

    Oldest first, since a reply may come before the comment it answers. A reply deeper than
    COMMENTS_MAX_DEPTH sits at the deepest level allowed, under an ancestor of the comment it
    answers; export_site's own file says where each reply sat, and it sits there again.
    """
    rows = Comment.objects.filter(article_id=stored[0].article_id)
    by_pk = {
        pk: [parent, depth] for pk, parent, depth in rows.values_list("pk", "parent_id", "depth")
    }

    def known(comment_id) -> int | None:
        pk = ids.get(str(comment_id)) if comment_id else None
        return pk if pk in by_pk else None

    changed = []
    for row in sorted(stored, key=lambda row: row.published):
        if row.thread is not None:
            answered, parent = known(row.thread.get("in_reply_to")), known(row.thread.get("parent"))
        else:
            answered = parent = known(row.answers)
            while parent is not None and by_pk[parent][1] + 1 >= settings.COMMENTS_MAX_DEPTH:
                parent = by_pk[parent][0]
        if row.pk in (answered, parent) or _above(row.pk, parent, by_pk):
            answered = parent = None  # a reply to itself, or a loop: a thread of its own
        by_pk[row.pk] = [parent, by_pk[parent][1] + 1 if parent else 0]
        changed.append(
            Comment(pk=row.pk, parent_id=parent, in_reply_to_id=answered, depth=by_pk[row.pk][1])
        )
    Comment.objects.bulk_update(changed, ["parent", "in_reply_to", "depth"], batch_size=500)


def _above(pk: int, parent: int | None, by_pk: dict) -> bool:
    """Whether `pk` is among `parent`'s ancestors (a file can make threads loop)."""
    seen = set()
    while parent is not None and parent not in seen:
        if parent == pk:
            return True
        seen.add(parent)
        parent = by_pk[parent][0]
    return False


def _store_history(comment: Comment, record: wordpress.Comment, run: WordPressImport) -> None:
    """export_site's moderation history (who, when, what): moderators are matched by username."""
    from django.contrib.auth import get_user_model

    history = wordpress.json_value(record.meta.get("_essay_moderation", ""), [], dict)
    users = get_user_model().objects
    for step in history if isinstance(history, list) else []:
        if not isinstance(step, dict) or step.get("status") not in Comment.Status.values:
            continue
        moderator = users.filter(username=step.get("moderator") or "").first()
        at = wordpress.parse_iso(step.get("at", "")) or comment.created_at
        action = ModerationAction.objects.create(
            comment=comment, moderator=moderator, status=step["status"], created_at=at
        )
        run.journal.created(action)
        # The last step is the comment's "moderated by … at …" (written without save()).
        Comment.objects.filter(pk=comment.pk).update(moderated_by=moderator, moderated_at=at)


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _article_of(source_id: str) -> int | None:
    return Article.objects.filter(source_id=source_id).values_list("pk", flat=True).first()
