"""Read a Blogger export into plain records, one entry at a time.

Two formats, told apart entry by entry, so one reader serves both:
- the legacy "Settings → Back up content" Atom file: an entry's kind is a category
  (`…/blogger/2008/kind#post`), a draft says `<app:control><app:draft>yes`, a comment names
  its post in `thr:in-reply-to` and its parent comment in a "related" link;
- Google Takeout's `feed.atom` (`http://schemas.google.com/blogger/2018`): `blogger:type`
  POST/PAGE/COMMENT, `blogger:status` LIVE/DRAFT/SOFT_TRASHED, `blogger:filename` is the old
  path, comments name their post in `blogger:parent` and the comment answered in
  `blogger:inReplyTo`.

The file is parsed incrementally (iterparse, each entry dropped once read), so memory stays
flat whatever its size. DTDs and entities are refused outright (defusedxml).
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

ATOM = "{http://www.w3.org/2005/Atom}"
BLOGGER = "{http://schemas.google.com/blogger/2018}"
THR = "{http://purl.org/syndication/thread/1.0}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
IGNORED_KINDS = {"settings", "template"}
# Blogger's own "no address" for commenters; storing it would be a fake email.
PLACEHOLDER_EMAILS = {"noreply@blogger.com"}
# Prefixes Blogger files use; a hand-edited file that uses one without declaring it is
# repaired by declaring it (the pelican test fixture uses `app:` unbound).
KNOWN_PREFIXES = {
    "app": "http://purl.org/atom/app#",
    "thr": "http://purl.org/syndication/thread/1.0",
    "gd": "http://schemas.google.com/g/2005",
    "georss": "http://www.georss.org/georss",
    "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
    "blogger": "http://schemas.google.com/blogger/2018",
}


class ExportError(ValueError):
    """The file is not a Blogger export we can read; nothing has been imported."""


@dataclass
class Post:
    """A post or a static page (`kind` "post" or "page")."""

    kind: str
    source_id: str
    title: str
    html: str
    published: datetime
    updated: datetime
    author: str
    labels: list[str]
    live: bool
    old_path: str | None
    description: str = ""


@dataclass
class Comment:
    source_id: str
    post_id: str
    reply_to_id: str | None  # the comment this one answers, as an id or an id's tail
    author: str
    email: str
    url: str
    html: str
    published: datetime
    live: bool


@dataclass
class Skipped:
    what: str
    why: str


@dataclass
class Blog:
    """What the feed says about itself, and what a full read of it found."""

    blog_id: str = ""
    title: str = ""
    generator: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    repaired: bool = False  # a prefix was used undeclared, and we declared it

    @property
    def is_blogger(self) -> bool:
        return self.blog_id.startswith("tag:blogger.com,") or self.generator == "Blogger"


Record = Post | Comment | Skipped


def scan(open_export: Callable[[], BinaryIO]) -> Blog:
    """Read the whole file once without storing anything: refuse it now if it is bad."""
    blog = Blog()
    try:
        _count(read(open_export, blog), blog)
    except _UnboundPrefix:
        blog.repaired, blog.counts = True, {}
        _count(read(open_export, blog), blog)
    known = sum(blog.counts.get(kind, 0) for kind in ("post", "page", "comment"))
    if not blog.is_blogger and not known:
        raise ExportError("not a Blogger export (no Blogger id, and entries of no known kind)")
    if not known:
        raise ExportError("the export holds no posts, pages or comments")
    return blog


def _count(records: Iterator[Record], blog: Blog) -> None:
    for record in records:
        key = record.kind if isinstance(record, Post) else type(record).__name__.lower()
        blog.counts[key] = blog.counts.get(key, 0) + 1


def read(open_export: Callable[[], BinaryIO], blog: Blog) -> Iterator[Record]:
    """Every post, page and comment in file order (settings and template entries dropped).

    `blog` is the one `scan()` filled: it says whether the file needs its prefixes declared.
    """
    with open_export() as stream:
        head = stream.read(64 * 1024)
        if b"<!ENTITY" in head.split(b"<feed", 1)[0]:  # a DOCTYPE can only come before <feed>
            raise ExportError("entity declarations are not allowed in an export")
        if blog.repaired:
            head = _declare(head)
        try:
            yield from _entries(_Prefixed(head, stream), blog)
        except ParseError as exc:
            if "unbound prefix" in str(exc) and not blog.repaired:
                raise _UnboundPrefix from None
            raise ExportError(_xml_problem(exc)) from None


class _UnboundPrefix(Exception):
    pass


def _entries(stream, blog: Blog) -> Iterator[Record]:
    try:
        events = iterparse(stream, events=("start", "end"), forbid_dtd=True)
        depth, root = 0, None
        for event, element in events:
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    if root.tag != f"{ATOM}feed":
                        raise ExportError("the file is XML but not an Atom feed")
                continue
            depth -= 1
            if depth != 1:
                continue
            if element.tag == f"{ATOM}entry":
                record = _record(element)
                if record is not None:
                    yield record
            elif element.tag == f"{ATOM}id":
                blog.blog_id = (element.text or "").strip()
            elif element.tag == f"{ATOM}title":
                blog.title = " ".join((element.text or "").split())
            elif element.tag == f"{ATOM}generator":
                blog.generator = (element.text or "").strip()
            root.remove(element)  # the entry is read: let it go
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise ExportError("entity declarations are not allowed in an export") from None
    except DTDForbidden:
        raise ExportError("document type declarations are not allowed in an export") from None


def _record(entry) -> Record | None:
    kind = _kind(entry)
    if kind in IGNORED_KINDS:
        return None
    what = _text(entry, "title") or _text(entry, "id") or "an entry without an id"
    try:
        if kind in ("post", "page"):
            return _post(entry, kind)
        if kind == "comment":
            return _comment(entry)
    except ValueError as exc:
        return Skipped(what, str(exc))
    return Skipped(what, f"entry of unknown kind “{kind}”" if kind else "entry of no known kind")


def _post(entry, kind: str) -> Post:
    takeout = entry.find(f"{BLOGGER}type") is not None
    if takeout:
        live = _blogger(entry, "status").upper() == "LIVE"
        old_path = _blogger(entry, "filename") or None
        labels = [
            c.get("term", "") for c in entry.findall(f"{ATOM}category")
            if c.get("scheme", "").startswith(("tag:blogger.com,", LABEL_SCHEME))
        ]  # fmt: skip
    else:
        live = not _is_draft(entry)
        alternate = _link(entry, "alternate")
        old_path = urlsplit(alternate).path if alternate else None
        labels = [
            c.get("term", "") for c in entry.findall(f"{ATOM}category")
            if c.get("scheme") == LABEL_SCHEME
        ]  # fmt: skip
    return Post(
        kind=kind,
        source_id=_required_id(entry),
        title=" ".join(_text(entry, "title").split()),
        html=_text(entry, "content"),
        published=_datetime(entry, "published"),
        updated=_datetime(entry, "updated", required=False) or _datetime(entry, "published"),
        author=" ".join(_text(entry, f"author/{ATOM}name").split()) or "Unknown author",
        labels=list(dict.fromkeys(" ".join(label.split()) for label in labels if label.strip())),
        live=live,
        old_path=old_path if old_path and old_path.startswith("/") else None,
        description=" ".join(_blogger(entry, "metaDescription").split()),
    )


def _comment(entry) -> Comment:
    email = _text(entry, f"author/{ATOM}email").strip()
    fields = {
        "source_id": _required_id(entry),
        "author": " ".join(_text(entry, f"author/{ATOM}name").split()) or "Anonymous",
        "email": "" if email.lower() in PLACEHOLDER_EMAILS else email,
        "url": _text(entry, f"author/{ATOM}uri").strip(),
        "html": _text(entry, "content"),
        "published": _datetime(entry, "published"),
    }
    if entry.find(f"{BLOGGER}type") is not None:
        post_id = _blogger(entry, "parent")
        reply_to = _blogger(entry, "inReplyTo") or None
        live = _blogger(entry, "status").upper() == "LIVE"
    else:
        in_reply_to = entry.find(f"{THR}in-reply-to")
        post_id = in_reply_to.get("ref", "") if in_reply_to is not None else ""
        related = _link(entry, "related")  # a reply's link to the comment it answers
        reply_to = related.rstrip("/").rsplit("/", 1)[-1] if related else None
        live = not _is_draft(entry) and not _removed(entry)
    if not post_id:
        raise ValueError("the comment does not say which post it belongs to")
    return Comment(post_id=post_id, reply_to_id=reply_to, live=live, **fields)


def _kind(entry) -> str | None:
    takeout_type = _blogger(entry, "type")
    if takeout_type:
        return takeout_type.lower()
    for category in entry.findall(f"{ATOM}category"):
        term = category.get("term", "")
        if category.get("scheme") == KIND_SCHEME and term.startswith(KIND_PREFIX):
            return term.removeprefix(KIND_PREFIX)
    return None


def _is_draft(entry) -> bool:
    """`control/draft` by local name: tools bind `app:` to either APP namespace (or none)."""
    for control in entry:
        if _local(control.tag) == "control":
            for child in control:
                if _local(child.tag) == "draft" and (child.text or "").strip().lower() == "yes":
                    return True
    return False


def _removed(entry) -> bool:
    """Blogger marks a comment deleted by its author or the blog owner this way."""
    return any(
        _local(child.tag) == "extendedProperty"
        and child.get("name") == "blogger.contentRemoved"
        and child.get("value") == "true"
        for child in entry
    )


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element, path: str) -> str:
    return element.findtext(f"{ATOM}{path}") or ""


def _blogger(element, name: str) -> str:
    return (element.findtext(f"{BLOGGER}{name}") or "").strip()


def _link(entry, rel: str) -> str | None:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel") == rel and link.get("href"):
            return link.get("href")
    return None


def _required_id(entry) -> str:
    value = _text(entry, "id").strip()
    if not value:
        raise ValueError("the entry has no id")
    return value


def _datetime(entry, name: str, *, required: bool = True) -> datetime | None:
    value = _text(entry, name).strip()
    if not value and not required:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"its {name} time “{value}” is not a date") from None
    if parsed.tzinfo is None:
        raise ValueError(f"its {name} time “{value}” has no time zone")
    return parsed


def _xml_problem(exc: ParseError) -> str:
    line, column = getattr(exc, "position", (0, 0))
    reason = str(exc).split(":", 1)[0]
    if reason.startswith("no element found") or reason.startswith("unclosed token"):
        return f"the file ends early, at line {line} (was it cut short?)"
    return f"the file is not well-formed XML ({reason}, line {line}, column {column + 1})"


FEED_TAG = re.compile(rb"<feed\b[^>]*", re.DOTALL)


def _declare(head: bytes) -> bytes:
    """Declare on <feed> each known prefix it does not declare (unused ones are harmless)."""
    match = FEED_TAG.search(head)
    if match is None:
        return head
    declarations = "".join(
        f" xmlns:{prefix}='{uri}'"
        for prefix, uri in KNOWN_PREFIXES.items()
        if f"xmlns:{prefix}=".encode() not in match.group()
    ).encode()
    return head[: match.end()] + declarations + head[match.end() :]


class _Prefixed:
    """A stream that first returns `head` (already read, perhaps repaired), then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.rest.read(size)
