"""Read a WordPress export (WXR 1.0–1.2) into plain records, one item at a time.

WXR is RSS 2.0 with WordPress's `wp:` elements. Versions differ only in the namespace
(`http://wordpress.org/export/1.0/` … `1.2/`; WordPress.com and newer tools write `https://`),
so elements are matched by the namespace the file itself declares. `scan()` reads the whole
file once: it refuses what is not WXR before anything is written and keeps what later items
need (authors, term descriptions, attachments, which are small); `read()` then streams posts,
pages and their comments. iterparse drops each item once read, so memory stays flat.
DTDs and entities are refused outright (defusedxml).
"""

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError
from zoneinfo import ZoneInfo

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse
from django.conf import settings

from .blogger import ExportError, _Prefixed, _xml_problem

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-9]+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-9]+/excerpt/$")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
OURS = "{urn:essay-review:export:1}"  # what export_site writes where WordPress has no element
OUR_GENERATOR = "Essay Review"
KINDS = ("post", "page")
NO_DATE = "0000-00-00 00:00:00"
MIN_YEAR, MAX_YEAR = 1900, 2200  # as import_essay --date: the site's zone cannot push them off
MAX_ID = 255  # a source id column's length


@dataclass
class Attachment:
    post_id: str
    url: str
    title: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    parent: str = "0"


@dataclass
class Site:
    """What the file says about the site, and what a full read of it found."""

    title: str = ""
    link: str = ""
    version: str = ""
    authors: dict[str, tuple[str, str]] = field(default_factory=dict)  # login → (name, bio)
    terms: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # → (name, about)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)  # "post", "page", "comment", other types
    repeated_ids: set[str] = field(default_factory=set)  # post ids two posts or pages share
    ours: bool = False  # written by export_site: it had our addresses, not WordPress's

    def author(self, login: str) -> tuple[str, str]:
        return self.authors.get(login, (login or "Unknown author", ""))


@dataclass
class Post:
    kind: str  # "post" or "page"
    post_id: str
    source_id: str
    title: str
    html: str
    excerpt: str
    slug: str
    status: str  # WordPress's: publish, future, draft, pending, private, trash, auto-draft
    published: datetime | None
    local_date: datetime | None  # naive, the site's clock: its addresses are built from it
    modified: datetime | None
    author: str  # the login (dc:creator)
    terms: list[tuple[str, str, str]]  # (domain, nicename, name): categories and tags
    password: bool
    link: str
    menu_order: int
    comments_open: bool
    meta: dict[str, str]  # _thumbnail_id and ours (_essay_*): the keys import_wordpress reads


@dataclass
class Comment:
    source_id: str
    post_source_id: str
    comment_id: str  # WordPress's, as the file's wp:comment_parent names it
    answers: str | None  # the comment_id of the comment answered
    author: str
    email: str
    url: str
    ip: str
    text: str  # as WordPress stores it: HTML-ish, paragraphs by blank lines
    published: datetime
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    kind: str  # "" or "comment"; "pingback", "trackback"
    meta: dict[str, str]


@dataclass
class Skipped:
    what: str
    why: str


Record = Post | Comment | Skipped


def scan(open_export: Callable[[], BinaryIO]) -> Site:
    """Read the whole file once, storing nothing: refuse it now if it is not WXR."""
    site, seen = Site(), set()
    for record in read(open_export, site, scanning=True):
        site.counts[record.kind if isinstance(record, Post) else type(record).__name__.lower()] += 1
        if isinstance(record, Post):
            if record.post_id in seen:
                site.repeated_ids.add(record.post_id)
            seen.add(record.post_id)
    if not site.version and not any(site.counts.values()):
        raise ExportError("not a WordPress export (no wp:wxr_version and no WordPress items)")
    if not (site.counts["post"] or site.counts["page"]):
        raise ExportError("the export holds no posts or pages")
    return site


def read(open_export: Callable[[], BinaryIO], site: Site, *, scanning=False) -> Iterator[Record]:
    """Every post and page, each followed by its comments, in file order.

    Attachments, menus and other item types are noted in `site` while scanning and not
    yielded; `site` must be the one `scan()` filled.
    """
    with open_export() as stream:
        head = stream.read(64 * 1024)
        if b"<!ENTITY" in head.split(b"<rss", 1)[0]:
            raise ExportError("entity declarations are not allowed in an export")
        try:
            yield from _items(_Prefixed(head, stream), site, scanning)
        except ParseError as exc:
            raise ExportError(_xml_problem(exc)) from None


def _items(stream, site: Site, scanning: bool) -> Iterator[Record]:
    names = _Names()
    try:
        events = iterparse(stream, events=("start-ns", "start", "end"), forbid_dtd=True)
        depth, channel = 0, None
        for event, element in events:
            if event == "start-ns":
                names.declare(*element)
                continue
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element, names)
                elif depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            if element.tag == "item":
                yield from _item(element, site, names, scanning)
            elif scanning:
                _channel_child(element, site, names)
            channel.remove(element)  # read: let it go
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise ExportError("entity declarations are not allowed in an export") from None
    except DTDForbidden:
        raise ExportError("document type declarations are not allowed in an export") from None


class _Names:
    """The `wp:` and `excerpt:` namespaces this file declares (1.0, 1.1, 1.2; http or https)."""

    def __init__(self):
        self.wp = self.excerpt = None

    def declare(self, prefix: str, uri: str) -> None:
        if WP_NAMESPACE.match(uri):
            self.wp = self.wp or f"{{{uri}}}"
        elif EXCERPT_NAMESPACE.match(uri):
            self.excerpt = self.excerpt or f"{{{uri}}}"


def _check_root(root, names: _Names) -> None:
    if root.tag == "{http://www.w3.org/2005/Atom}feed":
        raise ExportError("this is an Atom feed (a Blogger export?), not WordPress's WXR")
    if root.tag != "rss":
        raise ExportError("the file is XML but not WordPress's WXR (no <rss> element)")
    if names.wp is None:
        raise ExportError("the file is RSS but not WordPress's WXR (no wp: export namespace)")


def _channel_child(element, site: Site, names: _Names) -> None:
    wp = names.wp
    if element.tag == "title":
        site.title = _squash(element.text)
    elif element.tag == "link":
        site.link = (element.text or "").strip()
    elif element.tag == "generator":
        site.ours = (element.text or "").startswith(OUR_GENERATOR)
    elif element.tag == f"{wp}wxr_version":
        site.version = (element.text or "").strip()
    elif element.tag == f"{wp}author":
        login = _value(element, f"{wp}author_login")
        name = _squash(_value(element, f"{wp}author_display_name")) or login
        site.authors[login] = (name, _value(element, f"{OURS}bio"))
    elif element.tag == f"{wp}category":
        site.terms["category", _value(element, f"{wp}category_nicename")] = (
            _squash(_value(element, f"{wp}cat_name")),
            _value(element, f"{wp}category_description"),
        )
    elif element.tag == f"{wp}tag":
        site.terms["post_tag", _value(element, f"{wp}tag_slug")] = (
            _squash(_value(element, f"{wp}tag_name")),
            _value(element, f"{wp}tag_description"),
        )


def _item(item, site: Site, names: _Names, scanning: bool) -> Iterator[Record]:
    wp = names.wp
    kind = _value(item, f"{wp}post_type") or "post"
    post_id = _value(item, f"{wp}post_id")
    title = _squash(html.unescape(item.findtext("title") or "")) or f"item {post_id}"
    if kind == "attachment":
        if scanning:
            meta = _meta(item, wp)
            site.attachments[post_id] = Attachment(
                post_id=post_id,
                url=_value(item, f"{wp}attachment_url") or _value(item, "guid"),
                title=title,
                alt=meta.get("_wp_attachment_image_alt", ""),
                caption=_value(item, f"{names.excerpt}encoded") if names.excerpt else "",
                credit=meta.get("_essay_image_credit", ""),
                parent=_value(item, f"{wp}post_parent") or "0",
            )
        return
    if kind not in KINDS:
        if scanning:
            site.counts[kind] += 1
        return
    try:
        post = _post(item, kind, post_id, title, site, names)
    except ValueError as exc:
        yield Skipped(title, str(exc))
        return
    yield post
    for element in item.iter(f"{wp}comment"):
        try:
            yield _comment(element, post, wp)
        except ValueError as exc:
            yield Skipped(f"a comment on “{post.title}”", str(exc))


def _post(item, kind: str, post_id: str, title: str, site: Site, names: _Names) -> Post:
    wp = names.wp
    if not post_id:
        raise ValueError("the item has no wp:post_id")
    meta = _meta(item, wp)
    # Not the guid: exports repeat guids. A post id is unique on a real site; a hand-edited
    # file may repeat one (the pelican fixture does), and then the slug tells the posts apart.
    source_id = f"{site.link.rstrip('/')}/?p={post_id}"
    if post_id in site.repeated_ids:
        source_id = fitted(f"{source_id}&name={_value(item, f'{wp}post_name') or title}")
    return Post(
        kind=kind,
        post_id=post_id,
        source_id=fitted(meta.get("_essay_source_id") or fitted(source_id)),
        title=title,
        html=_value(item, f"{CONTENT}encoded"),
        excerpt=_value(item, f"{names.excerpt}encoded") if names.excerpt else "",
        slug=unquote(_value(item, f"{wp}post_name")),  # WordPress keeps non-ASCII ones %-encoded
        status=_value(item, f"{wp}status") or "draft",
        published=_when(item, f"{wp}post_date"),
        local_date=_local(item, f"{wp}post_date"),
        modified=_when(item, f"{wp}post_modified"),
        author=_value(item, f"{DC}creator"),
        terms=[
            (c.get("domain", ""), c.get("nicename", ""), _squash(c.text))
            for c in item.findall("category")
            if c.get("domain") in ("category", "post_tag") and _squash(c.text)
        ],
        password=bool(_value(item, f"{wp}post_password")),
        link=_value(item, "link"),
        menu_order=_int(_value(item, f"{wp}menu_order")),
        comments_open=_value(item, f"{wp}comment_status") != "closed",
        meta=meta,
    )


def _comment(element, post: Post, wp: str) -> Comment:
    comment_id = _value(element, f"{wp}comment_id")
    if not comment_id:
        raise ValueError("the comment has no wp:comment_id")
    published = _when(element, f"{wp}comment_date")
    if published is None:
        raise ValueError("the comment has no date")
    parent = _value(element, f"{wp}comment_parent")
    meta = {
        _value(row, f"{wp}meta_key"): row.findtext(f"{wp}meta_value") or ""
        for row in element.findall(f"{wp}commentmeta")
    }
    return Comment(
        source_id=fitted(meta.get("_essay_source_id") or f"{post.source_id}#comment-{comment_id}"),
        post_source_id=post.source_id,
        comment_id=comment_id,
        answers=parent if parent not in ("", "0") else None,
        author=_squash(_value(element, f"{wp}comment_author")) or "Anonymous",
        email=_value(element, f"{wp}comment_author_email"),
        url=_value(element, f"{wp}comment_author_url"),
        ip=_value(element, f"{wp}comment_author_IP"),
        text=_value(element, f"{wp}comment_content"),
        # WXR's dates are to the second; export_site keeps the exact time beside them.
        published=parse_iso(meta.get("_essay_created_at", "")) or published,
        approved=_value(element, f"{wp}comment_approved") or "0",
        kind=_value(element, f"{wp}comment_type"),
        meta=meta,
    )


def fitted(source_id: str) -> str:
    """A source id that fits its column: a long one keeps its start and a digest of the rest."""
    if len(source_id) <= MAX_ID:
        return source_id
    digest = hashlib.sha256(source_id.encode()).hexdigest()
    return f"{source_id[: MAX_ID - 65]}#{digest}"


def _meta(item, wp: str) -> dict[str, str]:
    """Post meta rows import_wordpress reads (WordPress keeps hundreds of others)."""
    rows = {}
    for row in item.findall(f"{wp}postmeta"):
        key = _value(row, f"{wp}meta_key")
        if key == "_thumbnail_id" or key.startswith(("_essay_", "_wp_attachment_image_alt")):
            rows[key] = row.findtext(f"{wp}meta_value") or ""  # as written: a body's spaces too
    return rows


def _when(element, name: str) -> datetime | None:
    """`name`_gmt when WordPress set it (drafts have none), else `name` in the site's zone."""
    gmt = _parse(_value(element, f"{name}_gmt"), UTC)
    return gmt or _parse(_value(element, name), ZoneInfo(settings.TIME_ZONE))


def _local(element, name: str) -> datetime | None:
    """The site's own clock time, naive: what WordPress builds a post's address from."""
    parsed = _parse(_value(element, name), UTC)
    return parsed.replace(tzinfo=None) if parsed else None


def _parse(value: str, zone) -> datetime | None:
    """WordPress's "YYYY-MM-DD HH:MM:SS", or None (empty, its "0000-…" or not a usable date)."""
    if not value or value == NO_DATE:
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
        parsed.astimezone(UTC)  # years near 1 or 9999 cannot be moved to UTC
    except (ValueError, OverflowError):
        return None
    return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _value(element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _int(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else 0


def old_path(link: str, site_link: str) -> str | None:
    """The path part of an item's <link>, when it is on the exported site and not `?p=`.

    Decoded, as Django hands paths to views, and with runs of "/" as one (WordPress.com
    writes `https://site//greek/…`; a browser sends that path, our URLconf sees one slash).
    """
    parts, home = urlsplit(link), urlsplit(site_link)
    if not parts.path or parts.query or (home.netloc and parts.netloc != home.netloc):
        return None
    path = re.sub("/+", "/", unquote(parts.path))
    return path if path != "/" else None


def json_meta(post: Post, key: str, default, items=str):
    """A JSON value export_site stored in post meta, or `default` when absent or broken."""
    return json_value(post.meta.get(key, ""), default, items)


def json_value(text: str, default, items=None):
    """`text` as JSON if it is of `default`'s type (a list of `items` for a list), else it."""
    try:
        value = json.loads(text) if text else default
    except ValueError:
        return default
    if not isinstance(value, type(default)):
        return default
    if isinstance(value, list) and items and not all(isinstance(v, items) for v in value):
        return default
    return value


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 time export_site wrote (a naive one is in the site's zone), else None."""
    text = text.strip() if isinstance(text, str) else ""
    try:
        value = datetime.fromisoformat(text) if text else None
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        if value is not None:
            value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return value if value is None or MIN_YEAR <= value.year <= MAX_YEAR else None
