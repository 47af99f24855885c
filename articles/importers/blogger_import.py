"""Store a Blogger export: posts, pages and comments, updated in place on a re-import.

Reading happens three times, each pass streaming the file (memory stays flat): `scan()`
refuses a bad file before anything is written, then posts and pages are stored, then
comments (which may come before their post in a Takeout file). Each batch commits on its
own, noted in a journal; any failure undoes the whole run (journal.py).
"""

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from itertools import islice

import reversion
from django.conf import settings
from django.db import transaction
from django.utils.text import Truncator

from comments.models import Comment, render_comment_text
from comments.services import refresh_comment_counts

from ..models import Article, ArticleAuthor, Author, LegacyRedirect, Page, Section, Topic
from ..rendering import BodyFormat
from . import blogger
from .blogger_html import clean_post_html
from .journal import Journal, undo
from .store import named, standfirst_from, unique_slug

BATCH_SIZE = 100
# Part of every entry's digest: a better converter re-converts unchanged posts on re-import.
CONVERTER_VERSION = "2"
# Blogger bumps <updated> for any re-save; a change within a day is a typo fix, not news.
UPDATE_GRACE = timedelta(days=1)
# Blogger's path for a post whose title it could not turn into a slug (e.g. Korean titles).
PLACEHOLDER_STEM = re.compile(r"^blog-post(_\d+)?$")


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    redirects: int = 0
    untitled: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Context:
    section: Section
    journal: Journal
    summary: Summary
    posts: dict[str, int] = field(default_factory=dict)  # Blogger post id → article pk
    pages: dict[str, str] = field(default_factory=dict)  # id tail → old address or title
    to_thread: list[tuple] = field(default_factory=list)  # (pk, reply tail, article pk, time)


def import_blog(
    open_export: Callable,
    blog: blogger.Blog,
    *,
    section_name: str | None = None,
    dry_run: bool = False,
    source: str = "",
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[Summary, list[int]]:
    """Import one blog; returns the summary and the pks of the essays it holds.

    With `dry_run` everything happens inside one transaction that is rolled back, so the
    summary says exactly what a real run would change.
    """
    if dry_run:
        with transaction.atomic():
            result = _run(open_export, blog, section_name, source, progress)
            transaction.set_rollback(True)
        return result
    return _run(open_export, blog, section_name, source, progress)


def _run(open_export, blog, section_name, source, progress):
    journal = Journal.start(source or blog.title)
    try:
        summary = Summary()
        section = named(Section, section_name or blog.title or "Blog", journal.created)
        context = _Context(section=section, journal=journal, summary=summary)
        total = sum(blog.counts.get(kind, 0) for kind in ("post", "page", "comment"))
        done = 0
        records = (r for r in blogger.read(open_export, blog) if not isinstance(r, blogger.Comment))
        for batch in _batches(records):
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment("Imported from Blogger.")
                for record in batch:
                    if isinstance(record, blogger.Skipped):
                        summary.skipped.append((record.what, record.why))
                        continue
                    _store_post(record, context)
                    done += 1
            progress(done, total)
        comments = (r for r in blogger.read(open_export, blog) if isinstance(r, blogger.Comment))
        for batch in _batches(comments):
            with transaction.atomic():
                for record in batch:
                    _store_comment(record, context)
            done += len(batch)
            progress(done, total)
        with transaction.atomic():
            _thread(context)
            refresh_comment_counts(article_ids=set(context.posts.values()))
    except BaseException:
        undo(journal.run)
        raise
    journal.finish()
    return summary, sorted(set(context.posts.values()))


def _batches(records: Iterable) -> Iterator[list]:
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _digest(record) -> str:
    data = json.dumps(asdict(record), default=str, sort_keys=True)
    return hashlib.sha256(f"{CONVERTER_VERSION}\n{data}".encode()).hexdigest()


def _store_post(post: blogger.Post, context: _Context) -> None:
    model = Page if post.kind == "page" else Article
    noun = "pages" if post.kind == "page" else ("essays" if post.live else "drafts")
    digest = _digest(post)
    existing = model.objects.filter(source_id=post.source_id).first()
    if existing and existing.source_digest == digest:
        context.summary.unchanged[noun] += 1
        _remember(post, existing, context)
        return
    body = clean_post_html(post.html)
    title = post.title or _title_from(body, post)
    if not post.title:
        context.summary.untitled.append(f"“{title}” ({post.old_path or post.source_id})")
    fields = {
        "title": title[:200],
        "body": body,
        "body_format": BodyFormat.HTML,
        "source_digest": digest,
    }
    if model is Article:
        fields |= {
            "standfirst": post.description or standfirst_from(body),
            "status": Article.Status.PUBLISHED if post.live else Article.Status.DRAFT,
            "published_at": post.published,
            "updated_at": post.updated if post.updated > post.published + UPDATE_GRACE else None,
            "seo_description": post.description[:160],
        }
    else:
        fields["status"] = Page.Status.PUBLISHED if post.live else Page.Status.DRAFT
    if existing:
        context.journal.updating(existing)
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        obj = existing
        context.summary.updated[noun] += 1
    else:
        if model is Article:
            fields["section"] = context.section
        obj = model.objects.create(
            source_id=post.source_id, slug=unique_slug(_slug_stem(post), model), **fields
        )
        context.journal.created(obj)
        context.summary.created[noun] += 1
    if model is Article:
        _store_article_relations(obj, post, context, new=existing is None)
    reversion.add_to_revision(obj)
    _remember(post, obj, context)
    _redirect(post, obj, context)


def _store_article_relations(article, post, context, *, new: bool) -> None:
    if new:  # a byline an editor changed since is theirs to keep
        author = named(Author, post.author, context.journal.created)
        ArticleAuthor.objects.create(article=article, author=author, position=0)
    article.topics.set([named(Topic, label, context.journal.created) for label in post.labels])


def _remember(post, obj, context) -> None:
    if isinstance(obj, Article):
        context.posts[post.source_id] = obj.pk
    else:
        context.pages[_tail(post.source_id.replace(".page-", ".post-"))] = (
            post.old_path or obj.title
        )


def _redirect(post, obj, context) -> None:
    if not post.old_path:
        return
    target = {"article": obj} if isinstance(obj, Article) else {"page": obj}
    existing = LegacyRedirect.objects.filter(old_path=post.old_path).first()
    if existing is None:
        context.journal.created(LegacyRedirect.objects.create(old_path=post.old_path, **target))
        context.summary.redirects += 1
    elif (existing.article_id if "article" in target else existing.page_id) != obj.pk:
        context.summary.skipped.append(
            (post.old_path, "this old address already leads to another essay or page")
        )


def _slug_stem(post: blogger.Post) -> str:
    """The slug Blogger gave the old address, unless it was Blogger's placeholder."""
    stem = (post.old_path or "").rsplit("/", 1)[-1].removesuffix(".html")
    if stem and not PLACEHOLDER_STEM.match(stem):
        return stem
    return post.title or _title_from(clean_post_html(post.html), post)


def _title_from(body: str, post: blogger.Post) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", body)).split())
    if words:
        return Truncator(words).words(8, truncate="…")
    return f"Untitled post of {post.published:%-d %B %Y}"


def _store_comment(record: blogger.Comment, context: _Context) -> None:
    article_id = context.posts.get(record.post_id) or _article_of(record.post_id)
    reply_tail = _tail(record.reply_to_id) if record.reply_to_id else None
    if article_id is None:
        # Some legacy exports name the comment answered in thr:in-reply-to instead.
        answered = Comment.objects.filter(source_id=record.post_id).values("article_id").first()
        if answered is None:
            page = context.pages.get(_tail(record.post_id))
            why = (
                f"comment on the page {page} (pages take no comments here)"
                if page
                else "comment on a post that is not in the export"
            )
            context.summary.skipped.append((record.source_id, why))
            return
        article_id, reply_tail = answered["article_id"], _tail(record.post_id)
    digest = _digest(record)
    existing = Comment.objects.filter(source_id=record.source_id).first()
    if existing and existing.source_digest == digest:
        context.summary.unchanged["comments"] += 1
        return
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
        context.journal.updating(existing)
        fields["text_html"] = render_comment_text(fields["text"])  # update() skips save()
        Comment.objects.filter(pk=existing.pk).update(**fields)
        pk = existing.pk
        context.summary.updated["comments"] += 1
    else:
        comment = Comment.objects.create(source_id=record.source_id, **fields)
        context.journal.created(comment)
        pk = comment.pk
        context.summary.created["comments"] += 1
    context.posts.setdefault(record.post_id, article_id)
    context.to_thread.append((pk, reply_tail, article_id, record.published))


def _article_of(post_id: str) -> int | None:
    return Article.objects.filter(source_id=post_id).values_list("pk", flat=True).first()


def _thread(context: _Context) -> None:
    """Set parent, in_reply_to and depth of the comments stored by this run.

    Done after all comments are in, since a reply may come before the comment it answers.
    Replies deeper than COMMENTS_MAX_DEPTH attach to the deepest level allowed.
    """
    if not context.to_thread:
        return
    rows = Comment.objects.filter(
        article_id__in={article_id for _, _, article_id, _ in context.to_thread},
        source_id__isnull=False,
    ).values_list("pk", "source_id", "article_id", "parent_id", "depth")
    by_pk = {pk: [article_id, parent_id, depth] for pk, _, article_id, parent_id, depth in rows}
    by_tail = {_tail(source_id): pk for pk, source_id, *_ in rows}
    changed = []
    for pk, reply_tail, article_id, _ in sorted(context.to_thread, key=lambda row: row[3]):
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


def _tail(source_id: str) -> str:
    """Blogger ids end in ".post-<number>"; links to a comment end in that number."""
    return source_id.rsplit(".post-", 1)[-1]


def html_to_text(markup: str) -> str:
    """Blogger stores comments as HTML; readers' comments here are plain text."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
