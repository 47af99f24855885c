"""Write imported essays and comments, in one transaction, skipping what is already here."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
import reversion
from django.db import transaction
from django.utils.text import Truncator, slugify
from markdownify import markdownify

from comments.models import Comment
from comments.services import attach_point, refresh_comment_counts

from ..models import Article, ArticleAuthor, Author, LegacyRedirect, Section, Topic
from . import blogger, plaintext


@dataclass
class Summary:
    posts: int = 0
    drafts: int = 0
    comments: int = 0
    already_present: int = 0
    redirects: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def unique_slug(text: str, model=Article, max_length: int = 200) -> str:
    base = slugify(text)[: max_length - 8].strip("-") or "essay"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def named(model, name: str):
    """Find a section, topic or author by name, or create it with a free slug."""
    name = name.strip()[:100]
    existing = model.objects.filter(name=name).first()
    return existing or model.objects.create(name=name, slug=unique_slug(name, model, 100))


def html_to_markdown(markup: str) -> str:
    """Blogger's HTML as Markdown an editor can keep working on (scripts dropped first)."""
    markdown = markdownify(nh3.clean(markup), heading_style="ATX", bullets="-", escape_misc=True)
    # Python-Markdown has no \< escape; an entity keeps a literal angle bracket literal.
    return markdown.replace("\\<", "&lt;").replace("\\>", "&gt;").strip()


def standfirst_from(markup: str) -> str:
    """The first paragraph of an imported post, as plain text (scripts and styles dropped)."""
    blocks = re.sub(r"(?i)</p\s*>|<br\s*/?>|</div\s*>|</h[1-6]\s*>", "\n", markup)
    text = html.unescape(nh3.clean(blocks, tags=set()))
    first = next((line for line in text.splitlines() if line.strip()), "")
    return Truncator(first.strip()).words(45)


@transaction.atomic
def store_blogger_export(
    export: blogger.Export,
    *,
    section_name: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Summary:
    summary = Summary(skipped=list(export.skipped))
    section = named(Section, section_name or export.blog_title)
    articles: dict[str, Article] = {}
    total = len(export.posts) + len(export.comments)
    with reversion.create_revision():
        reversion.set_comment("Imported from Blogger.")
        for done, post in enumerate(export.posts, 1):
            articles[post.source_id] = _store_post(post, section, summary)
            progress(done, total)
        _store_comments(export, articles, summary, lambda n: progress(len(export.posts) + n, total))
    refresh_comment_counts(article_ids={article.pk for article in articles.values()})
    return summary


def _store_post(post: blogger.Post, section: Section, summary: Summary) -> Article:
    existing = Article.objects.filter(source_id=post.source_id).first()
    if existing:
        summary.already_present += 1
        return existing
    stem = post.old_path.rsplit("/", 1)[-1].removesuffix(".html") if post.old_path else post.title
    article = Article.objects.create(
        source_id=post.source_id,
        title=post.title[:200],
        slug=unique_slug(stem),
        standfirst=standfirst_from(post.html),
        body=html_to_markdown(post.html),
        section=section,
        status=Article.Status.DRAFT if post.draft else Article.Status.PUBLISHED,
        published_at=post.published,
        updated_at=post.updated if post.updated > post.published else None,
    )
    ArticleAuthor.objects.create(article=article, author=named(Author, post.author), position=0)
    article.topics.set([named(Topic, label) for label in post.labels])
    reversion.add_to_revision(article)
    if post.old_path:
        LegacyRedirect.objects.get_or_create(old_path=post.old_path, defaults={"article": article})
        summary.redirects += 1
    if post.draft:
        summary.drafts += 1
    else:
        summary.posts += 1
    return article


def _store_comments(export, articles, summary, progress) -> None:
    """Comments oldest first, so a parent is always stored before its replies.

    Blogger names a comment's post in thr:in-reply-to and a parent comment in a "related"
    link; an export whose thr:in-reply-to names a comment is threaded by that too.
    """
    stored = {
        _tail(c.source_id): c
        for c in Comment.objects.filter(article__in=articles.values(), source_id__isnull=False)
    }
    for done, record in enumerate(sorted(export.comments, key=lambda c: c.published), 1):
        progress(done)
        tail = _tail(record.source_id)
        if tail in stored:
            summary.already_present += 1
            continue
        parent = stored.get(record.parent_id or "") or stored.get(_tail(record.post_id))
        article = articles.get(record.post_id) or (parent.article if parent else None)
        if article is None:
            summary.skipped.append((record.source_id, "comment on a post not in the export"))
            continue
        if parent is not None and parent.article_id != article.pk:
            parent = None
        parent = attach_point(parent)
        stored[tail] = Comment.objects.create(
            source_id=record.source_id,
            article=article,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            author_name=record.author[:100],
            author_email=record.email[:254],
            author_url=record.url[:200] if record.url.startswith(("http://", "https://")) else "",
            text=record.text,
            status=Comment.Status.APPROVED,  # they were public on the old blog
            created_at=record.published,
        )
        summary.comments += 1


def _tail(source_id: str) -> str:
    """Blogger ids end in ".post-<number>"; links to a comment end in that number."""
    return source_id.rsplit(".post-", 1)[-1]


@transaction.atomic
def store_plain_essay(
    essay: plaintext.PlainEssay, *, section_name: str | None, author_name: str, publish: bool
) -> Article:
    section = named(Section, section_name or essay.section)
    if Article.objects.filter(title=essay.title, section=section).exists():
        raise plaintext.EssayFileError(
            f"“{essay.title}” is already in {section.name}; nothing was imported."
        )
    with reversion.create_revision():
        reversion.set_comment("Imported from a text file.")
        article = Article.objects.create(
            title=essay.title,
            slug=unique_slug(essay.title),
            standfirst=essay.standfirst,
            body=essay.body,
            section=section,
            status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        )
        ArticleAuthor.objects.create(article=article, author=named(Author, author_name))
    return article
