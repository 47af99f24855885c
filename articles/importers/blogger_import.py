"""Store a Blogger export: posts, pages and comments, updated in place on a re-import.

Reading happens three times, each pass streaming the file (memory stays flat): `scan()`
refuses a bad file before anything is written, then posts and pages are stored, then
comments (which may come before their post in a Takeout file). Each batch commits on its
own, noted in a journal; any failure undoes the whole run (journal.py).

The comments are stored by the comments app, which receives them through the
`comments_read` signal (comments/importers/blogger.py): articles imports nothing from comments.
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
from django.db import transaction
from django.dispatch import Signal
from django.utils.text import Truncator

from ..models import Article, ArticleAuthor, Author, LegacyRedirect, Page, Section, Topic
from ..rendering import BodyFormat
from ..signals import essays_changed_once
from . import blogger
from .blogger_html import clean_post_html
from .journal import Journal, journaled, maybe_dry
from .store import edited_here, named, standfirst_from, unique_slug

BATCH_SIZE = 100
# Part of every entry's digest: a better converter re-converts unchanged posts on re-import.
CONVERTER_VERSION = "2"
# Blogger bumps <updated> for any re-save; a change within a day is a typo fix, not news.
UPDATE_GRACE = timedelta(days=1)
# Blogger's path for a post whose title it could not turn into a slug (e.g. Korean titles).
PLACEHOLDER_STEM = re.compile(r"^blog-post(_\d+)?$")

# Sent once per run, after posts and pages are stored, with `run` (a BloggerImport),
# `comments` (the export's blogger.Comment records, streamed from the file) and
# `progress(count)`. Receivers store them in batches (batches()) noting every change in
# run.journal; they run inside the run's undo guard, so their failure takes the whole run back,
# and inside its transaction on a dry run.
comments_read = Signal()


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    redirects: int = 0
    untitled: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BloggerImport:
    """One run, as the receivers of `comments_read` see it."""

    section: Section
    journal: Journal
    summary: Summary
    posts: dict[str, int] = field(default_factory=dict)  # Blogger post id → article pk
    pages: dict[str, str] = field(default_factory=dict)  # id tail → old address or title
    named: dict[tuple, object] = field(default_factory=dict)  # (model, name) → author or topic


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
    return maybe_dry(
        lambda: _run(open_export, blog, section_name, source, progress), dry_run=dry_run
    )


def _run(open_export, blog, section_name, source, progress):
    with journaled(source or blog.title) as journal:
        summary = Summary()
        section = named(Section, section_name or blog.title or "Blog", journal.created)
        context = BloggerImport(section=section, journal=journal, summary=summary)
        total = sum(blog.counts.get(kind, 0) for kind in ("post", "page", "comment"))
        records = (r for r in blogger.read(open_export, blog) if not isinstance(r, blogger.Comment))
        done = store_in_batches(
            records, lambda post: _store_post(post, context), skipped=blogger.Skipped,
            summary=summary, origin="Blogger", progress=lambda done: progress(done, total),
        )  # fmt: skip
        # Read lazily: with no receiver (no comments app), the file is not read a third time.
        comments = (r for r in blogger.read(open_export, blog) if isinstance(r, blogger.Comment))

        def comments_progress(count: int) -> None:
            nonlocal done
            done += count
            progress(done, total)

        comments_read.send(
            sender=BloggerImport, run=context, comments=comments, progress=comments_progress
        )
    return summary, sorted(set(context.posts.values()))


def store_in_batches(records, store: Callable, *, skipped: type, summary, origin, progress) -> int:
    """Store posts and pages BATCH_SIZE at a time, each batch one transaction and one revision,
    its essays re-indexed and purged once; skipped records go to the summary. Returns how many
    were stored, reporting `progress(count)` after each batch."""
    done = 0
    for batch in batches(records):
        # Each store() adds its essay or page to the revision once it is complete (with its
        # bylines): an automatic version at every save would be serialised and thrown away.
        revision = reversion.create_revision(manage_manually=True)
        with transaction.atomic(), revision, essays_changed_once():
            reversion.set_comment(f"Imported from {origin}.")
            for record in batch:
                if isinstance(record, skipped):
                    summary.skipped.append((record.what, record.why))
                else:
                    store(record)
                    done += 1
        progress(done)
    return done


def batches(records: Iterable) -> Iterator[list]:
    """Records in lists of BATCH_SIZE, each to be stored in a transaction of its own."""
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def record_digest(record) -> str:
    """What a re-import compares: an unchanged record (and converter) is left alone."""
    data = json.dumps(asdict(record), default=str, sort_keys=True)
    return hashlib.sha256(f"{CONVERTER_VERSION}\n{data}".encode()).hexdigest()


def _store_post(post: blogger.Post, context: BloggerImport) -> None:
    model = Page if post.kind == "page" else Article
    noun = "pages" if post.kind == "page" else ("essays" if post.live else "drafts")
    digest = record_digest(post)
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
    if (
        existing
        and model is Article
        and edited_here(existing)
        and fields["status"] != existing.status
    ):
        del fields["status"]  # an editor published or withdrew it here since: theirs to keep
    if existing:
        context.journal.update(existing, fields)
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
    def find(model, name):
        return named(model, name, context.journal.created, found=context.named)

    if new:  # a byline an editor changed since is theirs to keep
        byline = ArticleAuthor.objects.create(
            article=article, author=find(Author, post.author), position=0
        )
        context.journal.created(byline)  # undone before the author it names
    article.topics.set([find(Topic, label) for label in post.labels])


def _remember(post, obj, context) -> None:
    if isinstance(obj, Article):
        context.posts[post.source_id] = obj.pk
    else:
        context.pages[source_tail(post.source_id.replace(".page-", ".post-"))] = (
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
    words = " ".join(html.unescape(re.sub(r"<[^<>]*>", " ", body)).split())
    if words:
        return Truncator(words).words(8, truncate="…")
    return f"Untitled post of {post.published:%-d %B %Y}"


def source_tail(source_id: str) -> str:
    """Blogger ids end in ".post-<number>"; links to a comment end in that number."""
    return source_id.rsplit(".post-", 1)[-1]
