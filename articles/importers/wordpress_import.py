"""Store a WordPress export: posts as essays, pages as pages, then comments; updated in place
on a re-import, every change noted in a journal so a failed run is taken back whole.

Statuses: publish → published; future → published at its (future) time, i.e. scheduled;
draft, pending and private → draft; a password-protected post → draft (its readers needed the
password; publishing it would drop that), named in the summary; trash, auto-draft and any other
status → not imported, so nothing WordPress kept from readers becomes public here.
Categories and tags → topics (WordPress's "Uncategorized" is no subject and is dropped), or
with `section_from_category` a post's first category is its section. An export written by
`export_site` carries its own facts in `_essay_*` post meta (wordpress.py) and comes back as
it left: body source and format, section, byline order, times, old addresses.

The comments are stored by the comments app, which receives `wordpress_comments_read`
(comments/importers/wordpress.py): articles imports nothing from comments.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.db import transaction
from django.dispatch import Signal

from ..models import Article, ArticleAuthor, Author, LegacyRedirect, Page, Section, Topic
from ..rendering import BodyFormat, render_body
from . import wordpress
from .blogger_import import Summary, record_digest, store_in_batches
from .journal import Journal, journaled, maybe_dry
from .store import edited_here, named, slug_for, standfirst_from, unique_slug
from .wordpress_html import convert, figure_html

DEFAULT_PERMALINKS = "/%year%/%monthnum%/%postname%/"
PERMALINK_TAGS = {
    "%year%": "{:%Y}", "%monthnum%": "{:%m}", "%day%": "{:%d}", "%hour%": "{:%H}",
    "%minute%": "{:%M}", "%second%": "{:%S}",
}  # fmt: skip
DRAFT_STATUSES = {"draft", "pending", "private"}
UNCATEGORIZED = {"uncategorized"}
IMAGE_LINE = re.compile(r"^\[image:(\d+)\][ \t]*$", re.MULTILINE)

# Sent once, after posts and pages are stored, with `run` (a WordPressImport), `comments`
# (wordpress.Comment records streamed from the file) and `progress(count)`. As for Blogger's
# `comments_read`: receivers note every change in run.journal and run inside the undo guard.
wordpress_comments_read = Signal()


@dataclass
class WordPressSummary(Summary):
    notes: list[str] = field(default_factory=list)  # what a reader would miss, per post


@dataclass
class WordPressImport:
    """One run, as the receivers of `wordpress_comments_read` see it."""

    site: wordpress.Site
    section_name: str  # of the essays that name none (made when the first one needs it)
    journal: Journal
    summary: WordPressSummary
    section_from_category: bool = False
    permalinks: str = DEFAULT_PERMALINKS
    posts: dict[str, int] = field(default_factory=dict)  # post source id → article pk
    pages: dict[str, str] = field(default_factory=dict)  # page source id → title
    authors: dict[str, Author] = field(default_factory=dict)  # login → author of its posts
    terms: dict[tuple[str, str], Topic] = field(default_factory=dict)  # (domain, slug) → topic
    listings: dict[tuple, Section | Topic] = field(default_factory=dict)  # (model, name) → it


def import_site(
    open_export: Callable,
    site: wordpress.Site,
    *,
    section_name: str | None = None,
    section_from_category: bool = False,
    permalinks: str = DEFAULT_PERMALINKS,
    dry_run: bool = False,
    source: str = "",
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[WordPressSummary, list[int]]:
    """Import one WordPress export; returns the summary and the pks of its essays."""
    options = dict(
        section_name=section_name, section_from_category=section_from_category,
        permalinks=permalinks, source=source, progress=progress,
    )  # fmt: skip
    return maybe_dry(lambda: _run(open_export, site, **options), dry_run=dry_run)


def _run(open_export, site, *, section_name, section_from_category, permalinks, source, progress):
    with journaled(source or site.title) as journal:
        summary = WordPressSummary()
        run = WordPressImport(
            site,
            section_name or site.title or "Blog",
            journal,
            summary,
            section_from_category,
            permalinks or DEFAULT_PERMALINKS,
        )
        total = site.counts["post"] + site.counts["page"] + site.counts["comment"]
        records = (
            r for r in wordpress.read(open_export, site) if not isinstance(r, wordpress.Comment)
        )
        done = store_in_batches(
            records, lambda post: _store(post, run), skipped=wordpress.Skipped,
            summary=summary, origin="WordPress", progress=lambda done: progress(done, total),
        )  # fmt: skip
        if not site.ours:  # our own export lists every old address its essays had
            with transaction.atomic():
                _store_term_redirects(run)
        _note_other_items(site, summary)
        comments = (
            r for r in wordpress.read(open_export, site) if isinstance(r, wordpress.Comment)
        )

        def comments_progress(count: int) -> None:
            nonlocal done
            done += count
            progress(done, total)

        wordpress_comments_read.send(
            sender=WordPressImport, run=run, comments=comments, progress=comments_progress
        )
    return summary, sorted(set(run.posts.values()))


def _store(post: wordpress.Post, run: WordPressImport) -> None:
    model = Page if post.kind == "page" else Article
    status = _status(post, run)
    if status is None:
        _withdraw(model, post, run)
        return
    noun = "pages" if model is Page else ("drafts" if status == "draft" else "essays")
    digest = record_digest(post)
    existing = model.objects.filter(source_id=post.source_id).first()
    if existing and existing.source_digest == digest:
        run.summary.unchanged[noun] += 1
        _remember(post, existing, run)
        return
    fields = _fields(post, model, status, run) | {"source_digest": digest}
    if existing and edited_here(existing) and fields["status"] != existing.status:
        # An editor published or withdrew it here since: that decision is theirs to keep.
        del fields["status"]
        fields.pop("published_at", None)
        run.summary.notes.append(
            f"“{existing.title}” was changed here since it was imported: its status is kept"
        )
    if existing:
        run.journal.update(existing, fields)
        obj = existing
        run.summary.updated[noun] += 1
    else:
        stem = post.slug or post.title
        obj = model.objects.create(
            source_id=post.source_id, slug=unique_slug(stem, model), **fields
        )
        run.journal.created(obj)
        run.summary.created[noun] += 1
    if model is Article:
        _store_relations(obj, post, run, new=existing is None)
    reversion.add_to_revision(obj)
    _remember(post, obj, run)
    _store_redirects(post, obj, run)


def _withdraw(model, post: wordpress.Post, run: WordPressImport) -> None:
    """A post imported before and trashed since: readers no longer see it here either."""
    existing = model.objects.filter(source_id=post.source_id, status=model.Status.PUBLISHED)
    for obj in existing:
        run.journal.update(obj, {"status": model.Status.DRAFT})
        reversion.add_to_revision(obj)  # its history says the import withdrew it
        run.summary.notes.append(f"“{obj.title}” is no longer published on WordPress: now a draft")


def _status(post: wordpress.Post, run: WordPressImport) -> str | None:
    """Our status for the post, or None (noted) when it is not imported at all."""
    if post.status not in DRAFT_STATUSES | {"publish", "future"}:
        run.summary.skipped.append(
            (f"“{post.title}”", f"its WordPress status is “{post.status}”: not imported")
        )
        return None
    if post.password:
        run.summary.notes.append(
            f"“{post.title}” was password-protected on WordPress: imported as a draft"
        )
        return "draft"
    if post.status in DRAFT_STATUSES:
        return "draft"
    if post.kind == "page" and post.status == "future":
        run.summary.notes.append(f"the page “{post.title}” was scheduled: imported as a draft")
        return "draft"
    if post.kind == "post" and post.published is None:
        run.summary.notes.append(
            f"“{post.title}” has no readable date: imported as a draft, to be dated and published"
        )
        return "draft"
    return "published"


def _fields(post: wordpress.Post, model, status: str, run: WordPressImport) -> dict:
    body, body_format = _body(post, run)
    fields = {"title": post.title[:200], "body": body, "body_format": body_format}
    fields["status"] = model.Status.PUBLISHED if status == "published" else model.Status.DRAFT
    if model is Page:
        return fields | {"position": min(post.menu_order, 32767)}
    published = _meta_time(post, "_essay_published_at", post.published)
    if status == "published" and published is None:  # our meta unreadable: WordPress's date
        published = post.published
    standfirst = post.excerpt  # ours: the standfirst, plain text; WordPress's: HTML
    if not run.site.ours:
        standfirst = " ".join(html.unescape(re.sub(r"<[^<>]*>", " ", standfirst)).split())
    return fields | {
        "standfirst": standfirst or standfirst_from(render_body(body, body_format)),
        "published_at": published if status == "published" or "_essay_body" in post.meta else None,
        "updated_at": _meta_time(post, "_essay_updated_at", None),
        "allow_comments": post.comments_open,
        "seo_title": post.meta.get("_essay_seo_title", "")[:70],
        "seo_description": post.meta.get("_essay_seo_description", "")[:160],
        "section": _section(post, run),
    }


def _body(post: wordpress.Post, run: WordPressImport) -> tuple[str, str]:
    """Our own export's source text as it was, else WordPress's content as readers saw it."""
    attachments = run.site.attachments
    if "_essay_body" in post.meta:
        images = wordpress.json_meta(post, "_essay_images", {})
        body_format = post.meta.get("_essay_body_format", "").strip()
        if body_format not in BodyFormat.values:
            body_format = BodyFormat.MARKDOWN

        def figure(match):
            attachment = attachments.get(str(images.get(match.group(1), "")))
            if attachment is None:
                return ""
            return figure_html(
                attachment.url, attachment.alt or attachment.title, attachment.caption
            )

        return IMAGE_LINE.sub(figure, post.meta["_essay_body"]), body_format
    converted = convert(post.html, attachments, post.post_id)
    if converted.shortcodes:
        run.summary.notes.append(
            f"“{post.title}” shows these shortcodes as text: "
            f"{_listed(converted.shortcodes, '[{}]')}"
        )
    if converted.dynamic_blocks:
        run.summary.notes.append(
            f"“{post.title}” leaves out blocks only WordPress draws: "
            f"{_listed(converted.dynamic_blocks, '{}')}"
        )
    body = converted.html
    thumbnail = attachments.get(post.meta.get("_thumbnail_id", "").strip())
    if thumbnail and thumbnail.url and thumbnail.url not in body:  # the theme showed it on top
        body = (
            figure_html(thumbnail.url, thumbnail.alt or thumbnail.title, thumbnail.caption) + body
        )
    return body, BodyFormat.HTML


def _listed(counts, form: str) -> str:
    return ", ".join(
        form.format(name) + (f" ({count}×)" if count > 1 else "")
        for name, count in sorted(counts.items())
    )


def _meta_time(post, key: str, default: datetime | None) -> datetime | None:
    """Our own export's time (empty: none), else `default`."""
    if key not in post.meta:
        return default
    return wordpress.parse_iso(post.meta[key])


def _section(post: wordpress.Post, run: WordPressImport) -> Section:
    name = post.meta.get("_essay_section", "")
    if not name and run.section_from_category:
        name = next(
            (n for d, slug, n in post.terms if d == "category" and slug not in UNCATEGORIZED), ""
        )
    if not name:
        return _listing(Section, run.section_name, "", run)
    slug = next((slug for d, slug, n in post.terms if d == "category" and n == name), "")
    return _listing(Section, name, _about(run, "category", name), run, slug)


def _listing(model, name: str, description: str, run, slug: str = ""):
    """The section or topic called `name`, found or made once per run (not once per post)."""
    obj = named(model, name, run.journal.created, slug=slug, found=run.listings)
    if description and not obj.description:
        run.journal.update(obj, {"description": description})
    return obj


def _about(run: WordPressImport, domain: str, name: str) -> str:
    return next(
        (about for (d, _), (term, about) in run.site.terms.items() if d == domain and term == name),
        "",
    )


def _topics(post: wordpress.Post, run: WordPressImport) -> list[Topic]:
    ours = "_essay_section" in post.meta
    first_category = True
    topics = []
    for domain, slug, name in post.terms:
        if domain == "category" and (slug in UNCATEGORIZED or ours):
            continue
        if domain == "category" and run.section_from_category and first_category:
            first_category = False
            continue
        about = run.site.terms.get((domain, slug), ("", ""))[1]
        topic = _listing(Topic, name, about, run, slug)
        run.terms[domain, slug] = topic
        topics.append(topic)
    return topics


def _store_relations(article: Article, post: wordpress.Post, run: WordPressImport, *, new: bool):
    if new:  # a byline an editor changed since is theirs to keep
        logins = wordpress.json_meta(post, "_essay_authors", []) or [post.author]
        for position, login in enumerate(dict.fromkeys(logins)):
            byline = ArticleAuthor.objects.create(
                article=article, author=_author(login, run), position=position
            )
            run.journal.created(byline)  # undone before the author it names
    article.topics.set(_topics(post, run))


def _author(login: str, run: WordPressImport) -> Author:
    """The author WordPress calls `login`: by slug (our own export), else by display name."""
    if login in run.authors:
        return run.authors[login]
    name, bio = run.site.author(login)
    existing = None
    if run.site.ours:  # our own export's logins are the authors' slugs
        existing = Author.objects.filter(slug=slug_for(login, 150) or None).first()
    if existing is None:
        existing = Author.objects.filter(name=name[:150]).first()
    if existing is None:
        existing = Author.objects.create(
            name=name[:150], slug=unique_slug(login or name, Author, 150, "author"), bio=bio
        )
        run.journal.created(existing)
    run.authors[login] = existing
    return existing


def _remember(post: wordpress.Post, obj, run: WordPressImport) -> None:
    if isinstance(obj, Article):
        run.posts[post.source_id] = obj.pk
    else:
        run.pages[post.source_id] = obj.title


def _store_redirects(post: wordpress.Post, obj, run: WordPressImport) -> None:
    if "_essay_old_paths" in post.meta:  # our own export: the addresses it had, no others
        paths = wordpress.json_meta(post, "_essay_old_paths", [])
    else:
        paths = [wordpress.old_path(post.link, run.site.link)]
        if post.post_id not in run.site.repeated_ids:  # WordPress answers ?p= for pages too
            paths += [f"/?p={post.post_id}"] + (
                [f"/?page_id={post.post_id}"] * (post.kind == "page")
            )
        if post.kind == "post" and post.local_date and post.slug:
            paths.append(_permalink(run.permalinks, post))
    for path in dict.fromkeys(p for p in paths if p and p.startswith("/")):
        _redirect(path[:500], {"article" if isinstance(obj, Article) else "page": obj}, run)


def _permalink(structure: str, post: wordpress.Post) -> str:
    """The address WordPress gave the post under `structure` (its Settings → Permalinks)."""
    path = structure
    for tag, pattern in PERMALINK_TAGS.items():
        path = path.replace(tag, pattern.format(post.local_date))
    category = next((slug for d, slug, _ in post.terms if d == "category"), "uncategorized")
    path = path.replace("%postname%", post.slug).replace("%post_id%", post.post_id)
    path = path.replace("%category%", category).replace("%author%", post.author)
    return "/" + path.lstrip("/")


def _store_term_redirects(run: WordPressImport) -> None:
    """/category/x/, /tag/x/ and /author/login/ lead to the topic, section or author."""
    for (domain, slug), topic in run.terms.items():
        if slug:
            _redirect(
                f"/{'category' if domain == 'category' else 'tag'}/{slug}/", {"topic": topic}, run
            )
    if run.section_from_category:
        for (domain, slug), (name, _) in run.site.terms.items():
            section = (
                Section.objects.filter(name=name[:100]).first() if domain == "category" else None
            )
            if slug and section is not None:
                _redirect(f"/category/{slug}/", {"section": section}, run)
    for login, author in run.authors.items():
        if login:
            _redirect(f"/author/{login}/", {"author": author}, run)


def _redirect(path: str, target: dict, run: WordPressImport) -> None:
    ((name, obj),) = target.items()
    existing = LegacyRedirect.objects.filter(old_path=path).first()
    if existing is None:
        run.journal.created(LegacyRedirect.objects.create(old_path=path, **target))
        run.summary.redirects += 1
    elif getattr(existing, f"{name}_id") != obj.pk:
        run.summary.skipped.append((path, "this old address already leads somewhere else"))


def _note_other_items(site: wordpress.Site, summary: WordPressSummary) -> None:
    for kind, count in sorted(site.counts.items()):
        if kind in ("post", "page", "comment", "skipped"):
            continue
        why = (
            "menus are not imported: the footer lists the pages"
            if kind == "nav_menu_item"
            else "only posts, pages and their pictures are imported"
        )
        items = "item" if count == 1 else "items"
        summary.notes.append(f"{count} {items} of type “{kind}” not imported ({why})")
