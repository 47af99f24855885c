"""The site as a WordPress eXtended RSS 1.2 file (WXR), written while it is read.

What goes where is the contract with `import_wordpress` (docs/export.md, "WXR"): authors,
sections as categories, topics as tags, then items: images as attachments, pages, essays with
every comment. Our own fields ride along as `_essay_*` postmeta and commentmeta, which
WordPress keeps as hidden custom fields and our importer reads back.

Memory stays flat however large the site: every table is read with `.iterator()` in chunks,
what a chunk's rows need from other tables (bylines, topics, old addresses, placed images,
moderation history) is read per chunk as plain values, and the comments come from one query
ordered like the essays, merged with them as both streams advance. Plain values rather than
prefetched instances: a prefetch links each row and its related rows both ways, and such
cycles wait for the garbage collector, so memory grew with the site.

WordPress's importer reads the file with SimpleXML, PHP's XML parser or, without either, a
line-by-line regular expression parser. For the last one the author lines are whole on one
line and `<item>` / `</item>` stand on lines of their own; the prefixes (wp, content, excerpt,
dc) are the ones it matches literally.
"""

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TextIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Image,
    LegacyRedirect,
    Page,
    Section,
    Topic,
)
from articles.rendering import figure_ids, with_figures
from comments.models import Comment, ModerationAction

from .values import absolute, batched, software_version, utc_iso

NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
    "essay": "urn:essay-review:export:1",  # what WordPress has no element for
}
WXR_VERSION = "1.2"
NO_DATE = "0000-00-00 00:00:00"  # WordPress's post_date_gmt of a draft never published
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}
# Characters XML 1.0 has no way to write, even as a reference (NUL, most C0 controls, lone
# surrogates, U+FFFE/U+FFFF): dropped, or no parser would read the file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Progress = Callable[[int, int], None]


def clean(text) -> str:
    return _NOT_XML.sub("", str(text))


def text(value) -> str:
    """Escaped character data (also safe inside a double-quoted attribute)."""
    return escape(clean(value), {'"': "&quot;"})


def cdata(value) -> str:
    """A CDATA section holding exactly `value`.

    "]]>" would close the section early, so it is split across two sections. A carriage
    return would be read back as a line feed by every XML parser (end-of-line handling), so it
    goes between two sections as a character reference: Windows line ends typed in the admin
    come back as they were stored.
    """
    body = clean(value or "").replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{body.replace(chr(13), ']]>&#13;<![CDATA[')}]]>"


def cdata_line(value) -> str:
    """cdata() that stays on one line: line feeds as references too."""
    return cdata(value).replace("\n", "]]>&#10;<![CDATA[")


def wp_date(moment: datetime | None, *, utc: bool = False) -> str:
    """WordPress's "YYYY-MM-DD HH:MM:SS", in the site's time zone or in UTC."""
    if moment is None:
        return NO_DATE
    moment = moment.astimezone(UTC) if utc else timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class PostIds:
    """WordPress has one id space for every item: essays keep their own ids, pages follow the
    largest essay id, attachments the largest page id after that."""

    def __init__(self):
        self.pages_from = Article.objects.aggregate(m=Max("pk"))["m"] or 0
        self.attachments_from = self.pages_from + (Page.objects.aggregate(m=Max("pk"))["m"] or 0)

    def essay(self, pk: int) -> int:
        return pk

    def page(self, pk: int) -> int:
        return self.pages_from + pk

    def attachment(self, pk: int) -> int:
        return self.attachments_from + pk


def write_wxr(out: TextIO, *, chunk_size: int = 500, progress: Progress | None = None) -> Counter:
    """Write the whole site to `out` (a text stream, UTF-8) and return what it holds, by kind."""
    writer = _Writer(out, chunk_size=chunk_size, progress=progress or (lambda done, total: None))
    writer.write()
    return writer.counts


class _Writer:
    def __init__(self, out: TextIO, *, chunk_size: int, progress: Progress):
        self.w = out.write
        self.chunk_size = chunk_size
        self.progress = progress
        self.counts = Counter()
        self.site = settings.SITE_URL
        self.ids = PostIds()
        # Pages and attachments have no byline; WordPress wants a login, or gives the item to
        # whoever runs the import when it is empty.
        self.default_creator = Author.objects.order_by("pk").values_list("slug", flat=True).first()

    def write(self) -> None:
        w = self.w
        xmlns = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        w(f'<rss version="2.0" {xmlns}>\n<channel>\n')
        w(f"<title>{text(settings.SITE_NAME)}</title>\n")
        w(f"<link>{text(self.site)}</link>\n")
        w(f"<description>{text(settings.SITE_NAME)}: every essay, page and comment</description>\n")
        w(f"<pubDate>{format_datetime(timezone.now().astimezone(UTC))}</pubDate>\n")
        w(f"<language>{text(settings.LANGUAGE_CODE)}</language>\n")
        w(f"<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n")
        w(f"<wp:base_site_url>{text(self.site)}</wp:base_site_url>\n")
        w(f"<wp:base_blog_url>{text(self.site)}</wp:base_blog_url>\n")
        w(f"<generator>Essay Review {text(software_version())}</generator>\n")
        self.authors()
        self.sections()
        self.topics()
        self.attachments()
        self.pages()
        self.essays()
        w("</channel>\n</rss>\n")

    # --- Terms and people ------------------------------------------------------------------

    def authors(self) -> None:
        for author in Author.objects.order_by("pk").iterator(chunk_size=self.chunk_size):
            bio = f"<essay:bio>{cdata_line(author.bio)}</essay:bio>" if author.bio else ""
            self.w(
                f"<wp:author><wp:author_id>{author.pk}</wp:author_id>"
                f"<wp:author_login>{cdata_line(author.slug)}</wp:author_login>"
                "<wp:author_email></wp:author_email>"
                f"<wp:author_display_name>{cdata_line(author.name)}</wp:author_display_name>"
                "<wp:author_first_name></wp:author_first_name>"
                f"<wp:author_last_name></wp:author_last_name>{bio}</wp:author>\n"
            )
            self.counts["authors"] += 1

    def sections(self) -> None:
        for section in Section.objects.order_by("pk").iterator(chunk_size=self.chunk_size):
            self.w(
                f"<wp:category><wp:term_id>{section.pk}</wp:term_id>"
                f"<wp:category_nicename>{cdata(section.slug)}</wp:category_nicename>"
                "<wp:category_parent></wp:category_parent>"
                f"<wp:cat_name>{cdata(section.name)}</wp:cat_name>"
                f"<wp:category_description>{cdata(section.description)}"
                "</wp:category_description></wp:category>\n"
            )
            self.counts["sections"] += 1

    def topics(self) -> None:
        for topic in Topic.objects.order_by("pk").iterator(chunk_size=self.chunk_size):
            self.w(
                f"<wp:tag><wp:term_id>{topic.pk}</wp:term_id>"
                f"<wp:tag_slug>{cdata(topic.slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(topic.name)}</wp:tag_name>"
                f"<wp:tag_description>{cdata(topic.description)}</wp:tag_description></wp:tag>\n"
            )
            self.counts["topics"] += 1

    # --- Items -----------------------------------------------------------------------------

    def item(self, fields: list[tuple[str, str]], meta: list[tuple[str, str]], tail=()) -> None:
        """One <item>: elements already escaped, postmeta (key, raw value), then `tail` lines."""
        w = self.w
        w("<item>\n")
        for tag, value in fields:
            if tag.startswith("<"):  # a whole element with attributes (category, guid)
                w(f"{tag}\n")
            else:
                w(f"<{tag}>{value}</{tag}>\n")
        for key, value in meta:
            w(
                f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
                f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n"
            )
        for line in tail:
            w(line)
        w("</item>\n")

    def common(self, *, title, link, published, creator, guid, content, excerpt, post_id):
        return [
            ("title", text(title)),
            ("link", text(link)),
            ("pubDate", format_datetime(published.astimezone(UTC))),
            ("dc:creator", cdata(creator or "")),
            (f'<guid isPermaLink="false">{text(guid)}</guid>', ""),
            ("description", ""),
            ("content:encoded", cdata(content)),
            ("excerpt:encoded", cdata(excerpt)),
            ("wp:post_id", str(post_id)),
        ]

    def link(self, row, post_id: int, *, public: bool) -> str:
        """Where readers find it; a draft or scheduled piece has no public address yet."""
        return self.site + row.get_absolute_url() if public else f"{self.site}?p={post_id}"

    def guid(self, source_id: str | None, post_id: int) -> str:
        # An imported row keeps its origin's identity, so importing the export again matches.
        return source_id or f"{self.site}?p={post_id}"

    def attachments(self) -> None:
        images = Image.objects.order_by("pk").iterator(chunk_size=self.chunk_size)
        for image in images:
            post_id = self.ids.attachment(image.pk)
            url = absolute(image.file.url) if image.file else ""
            fields = self.common(
                title=image.alt_text,
                link=url,
                published=image.created_at,
                creator=self.default_creator,
                guid=self.guid(None, post_id),
                content="",
                excerpt=image.caption,
                post_id=post_id,
            )
            fields += [
                ("wp:post_date", cdata(wp_date(image.created_at))),
                ("wp:post_date_gmt", cdata(wp_date(image.created_at, utc=True))),
                ("wp:post_modified", cdata(wp_date(image.created_at))),
                ("wp:post_modified_gmt", cdata(wp_date(image.created_at, utc=True))),
                ("wp:comment_status", cdata("closed")),
                ("wp:ping_status", cdata("closed")),
                ("wp:post_name", cdata(f"image-{image.pk}")),
                ("wp:status", cdata("inherit")),  # WordPress's status for every attachment
                ("wp:post_parent", "0"),
                ("wp:menu_order", "0"),
                ("wp:post_type", cdata("attachment")),
                ("wp:post_password", cdata("")),
                ("wp:is_sticky", "0"),
                ("wp:attachment_url", cdata(url)),
            ]
            meta = [
                ("_wp_attached_file", image.file.name or ""),
                ("_wp_attachment_image_alt", image.alt_text),
                ("_essay_image_credit", image.credit),
            ]
            if image.source_url:
                meta.append(("_essay_source_url", image.source_url))
            self.item(fields, meta)
            self.counts["attachments"] += 1

    def body_meta(self, row, chunk: "_Chunk") -> list[tuple[str, str]]:
        placed = sorted(pk for pk in figure_ids(row.body_html) if pk in chunk.images)
        return [
            ("_essay_body", row.body),
            ("_essay_body_format", row.body_format),
            ("_essay_old_paths", json.dumps(chunk.old_paths.get(row.pk, []))),
            (
                "_essay_images",
                json.dumps({str(pk): self.ids.attachment(pk) for pk in placed}),
            ),
        ]

    def pages(self) -> None:
        pages = Page.objects.order_by("pk").iterator(chunk_size=self.chunk_size)
        for rows in batched(pages, self.chunk_size):
            chunk = _Chunk(rows, "page")
            images = chunk.images
            for page in rows:
                post_id = self.ids.page(page.pk)
                public = page.status == Page.Status.PUBLISHED
                fields = self.common(
                    title=page.title,
                    link=self.link(page, post_id, public=public),
                    published=page.created_at,
                    creator=self.default_creator,
                    guid=self.guid(page.source_id, post_id),
                    content=with_figures(page.body_html, images, base_url=self.site),
                    excerpt="",
                    post_id=post_id,
                )
                fields += self.post_fields(
                    date=page.created_at,
                    date_gmt=page.created_at if public else None,
                    modified=page.modified_at,
                    comments="closed",
                    slug=page.slug,
                    status="publish" if public else "draft",
                    menu_order=page.position,
                    post_type="page",
                )
                meta = self.body_meta(page, chunk)
                if page.source_id:
                    meta.append(("_essay_source_id", page.source_id))
                self.item(fields, meta)
                self.counts["pages"] += 1

    def post_fields(
        self, *, date, date_gmt, modified, comments, slug, status, menu_order, post_type
    ):
        return [
            ("wp:post_date", cdata(wp_date(date))),
            ("wp:post_date_gmt", cdata(wp_date(date_gmt, utc=True))),
            ("wp:post_modified", cdata(wp_date(modified))),
            ("wp:post_modified_gmt", cdata(wp_date(modified, utc=True))),
            ("wp:comment_status", cdata(comments)),
            ("wp:ping_status", cdata("closed")),
            ("wp:post_name", cdata(slug)),
            ("wp:status", cdata(status)),
            ("wp:post_parent", "0"),
            ("wp:menu_order", str(menu_order)),
            ("wp:post_type", cdata(post_type)),
            ("wp:post_password", cdata("")),
            ("wp:is_sticky", "0"),
        ]

    def essays(self) -> None:
        total = Article.objects.count()
        essays = (
            Article.objects.order_by("pk")
            .defer("search_vector")
            .select_related("section")
            .iterator(chunk_size=self.chunk_size)
        )
        comments = _CommentStream(self.chunk_size)
        done = 0
        for rows in batched(essays, self.chunk_size):
            chunk = _Chunk(rows, "article")
            for article in rows:
                self.essay(article, chunk, comments.of(article.pk))
            done += len(rows)
            self.progress(done, total)
        self.counts["comments"] = comments.count

    def essay(self, article: Article, chunk: "_Chunk", comments: Iterator[Comment]) -> None:
        authors = chunk.authors.get(article.pk, [])
        if article.status == Article.Status.DRAFT:
            status = "draft"
        else:
            status = "publish" if article.is_live else "future"
        public = status == "publish"
        shown = article.published_at or article.created_at
        fields = self.common(
            title=article.title,
            link=self.link(article, article.pk, public=public),
            published=shown,
            creator=authors[0] if authors else "",
            guid=self.guid(article.source_id, article.pk),
            content=with_figures(article.body_html, chunk.images, base_url=self.site),
            excerpt=article.standfirst,
            post_id=article.pk,
        )
        fields += self.post_fields(
            date=shown,
            date_gmt=article.published_at,
            modified=article.modified_at,
            comments="open" if article.allow_comments else "closed",
            slug=article.slug,
            status=status,
            menu_order=0,
            post_type="post",
        )
        section = article.section
        fields.append(
            (
                f'<category domain="category" nicename="{text(section.slug)}">'
                f"{cdata(section.name)}</category>",
                "",
            )
        )
        for slug, name in chunk.topics.get(article.pk, []):
            fields.append(
                (
                    f'<category domain="post_tag" nicename="{text(slug)}">{cdata(name)}</category>',
                    "",
                )
            )
        meta = self.body_meta(article, chunk) + [
            ("_essay_section", section.name),
            ("_essay_authors", json.dumps(authors)),
            ("_essay_published_at", utc_iso(article.published_at) or ""),
            ("_essay_updated_at", utc_iso(article.updated_at) or ""),
            ("_essay_seo_title", article.seo_title),
            ("_essay_seo_description", article.seo_description),
        ]
        if article.source_id:
            meta.append(("_essay_source_id", article.source_id))
        if article.featured_image_id:
            meta.append(("_thumbnail_id", str(self.ids.attachment(article.featured_image_id))))
        self.item(fields, meta, tail=(comment_xml(c) for c in comments))
        self.counts["essays"] += 1


class _Chunk:
    """What a chunk of essays or pages needs from other tables, read as values in one query
    per table."""

    def __init__(self, rows: list, kind: str):
        ids = [row.pk for row in rows]
        wanted = set().union(*(figure_ids(row.body_html) for row in rows))
        self.images = Image.objects.in_bulk(wanted) if wanted else {}
        self.old_paths = _grouped(
            LegacyRedirect.objects.filter(**{f"{kind}_id__in": ids})
            .order_by("old_path")
            .values_list(f"{kind}_id", "old_path")
        )
        if kind != "article":
            return
        self.authors = _grouped(
            ArticleAuthor.objects.filter(article_id__in=ids)
            .order_by("position", "id")
            .values_list("article_id", "author__slug")
        )
        self.topics = _grouped(
            Article.topics.through.objects.filter(article_id__in=ids)
            .order_by("topic__name")
            .values_list("article_id", "topic__slug", "topic__name")
        )


def _grouped(rows) -> dict[int, list]:
    """(key, value…) rows → {key: [value or (values…), …]} in the rows' order."""
    grouped = {}
    for key, *values in rows:
        grouped.setdefault(key, []).append(values[0] if len(values) == 1 else tuple(values))
    return grouped


class _CommentStream:
    """Every comment, in one query ordered (essay, time, id), handed out essay by essay as the
    essays (ordered by id) go past: never a query per essay, never all comments in memory.
    Each chunk of comments brings its moderation history along, in one query."""

    def __init__(self, chunk_size: int):
        rows = Comment.objects.order_by("article_id", "created_at", "id")
        self.rows = self._with_history(rows.iterator(chunk_size=chunk_size), chunk_size)
        self.head = next(self.rows, None)
        self.count = 0

    @staticmethod
    def _with_history(comments, chunk_size: int):
        username = f"moderator__{get_user_model().USERNAME_FIELD}"
        for chunk in batched(comments, chunk_size):
            history = _grouped(
                ModerationAction.objects.filter(comment_id__in=[c.pk for c in chunk])
                .order_by("created_at", "id")
                .values_list("comment_id", "status", username, "created_at")
            )
            for comment in chunk:
                comment.history = history.get(comment.pk, [])
                yield comment

    def of(self, article_id: int) -> Iterator[Comment]:
        while self.head is not None and self.head.article_id <= article_id:
            comment, self.head = self.head, next(self.rows, None)
            if comment.article_id == article_id:
                self.count += 1
                yield comment


def comment_xml(comment: Comment) -> str:
    replied_to = comment.in_reply_to_id or comment.parent_id or 0
    meta = []
    if comment.notify_replies:
        meta.append(("_essay_notify_replies", "1"))
    if comment.held_reasons:
        meta.append(("_essay_held_reasons", comment.held_reasons))
    if comment.source_id:
        meta.append(("_essay_source_id", comment.source_id))
    meta.append(("_essay_created_at", utc_iso(comment.created_at)))  # WXR's dates drop the µs
    if comment.parent_id or comment.in_reply_to_id:
        # wp:comment_parent says what a reply answers (WordPress has one link); ours has two:
        # the comment answered, and where the reply sits (higher up when answered too deep).
        thread = {"parent": comment.parent_id, "in_reply_to": comment.in_reply_to_id}
        meta.append(("_essay_thread", json.dumps(thread)))
    history = [
        {"status": status, "moderator": moderator, "at": utc_iso(at)}
        for status, moderator, at in comment.history
    ]
    if history:
        meta.append(("_essay_moderation", json.dumps(history)))
    lines = [
        "<wp:comment>",
        f"<wp:comment_id>{comment.pk}</wp:comment_id>",
        f"<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>",
        f"<wp:comment_author_email>{text(comment.author_email)}</wp:comment_author_email>",
        f"<wp:comment_author_url>{text(comment.author_url)}</wp:comment_author_url>",
        f"<wp:comment_author_IP>{text(comment.ip_address or '')}</wp:comment_author_IP>",
        f"<wp:comment_date>{cdata(wp_date(comment.created_at))}</wp:comment_date>",
        f"<wp:comment_date_gmt>{cdata(wp_date(comment.created_at, utc=True))}"
        "</wp:comment_date_gmt>",
        f"<wp:comment_content>{cdata(comment.text)}</wp:comment_content>",
        f"<wp:comment_approved>{cdata(COMMENT_APPROVED[comment.status])}</wp:comment_approved>",
        f"<wp:comment_type>{cdata('comment')}</wp:comment_type>",
        f"<wp:comment_parent>{replied_to}</wp:comment_parent>",
        "<wp:comment_user_id>0</wp:comment_user_id>",
        *(
            f"<wp:commentmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:commentmeta>"
            for key, value in meta
        ),
        "</wp:comment>",
    ]
    return "\n".join(lines) + "\n"
