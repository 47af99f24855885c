"""Read a Blogger export ("Back up content": an Atom file) into plain records.

Parsing is separate from writing so a malformed file is refused before anything is stored.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

ATOM = "{http://www.w3.org/2005/Atom}"
APP = "{http://purl.org/atom/app#}"
THR = "{http://purl.org/syndication/thread/1.0}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
IGNORED_KINDS = {"settings", "template"}


class ExportError(ValueError):
    """The file is not a Blogger export we can read; nothing has been imported."""


@dataclass
class Post:
    source_id: str
    title: str
    html: str
    published: datetime
    updated: datetime
    author: str
    labels: list[str]
    draft: bool
    old_path: str | None


@dataclass
class Comment:
    source_id: str
    post_id: str
    parent_id: str | None
    author: str
    email: str
    url: str
    text: str
    published: datetime


@dataclass
class Export:
    blog_title: str
    posts: list[Post] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    ignored: int = 0  # settings and template entries


def parse(data: bytes) -> Export:
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise ExportError(f"The file is not valid XML ({exc}).") from exc
    if root.tag != f"{ATOM}feed":
        raise ExportError("The file is XML but not an Atom feed, so not a Blogger export.")
    generator = (root.findtext(f"{ATOM}generator") or "").strip()
    feed_id = (root.findtext(f"{ATOM}id") or "").strip()
    if generator != "Blogger" and not feed_id.startswith("tag:blogger.com,"):
        raise ExportError("The feed was not made by Blogger (no Blogger generator or id).")
    entries = root.findall(f"{ATOM}entry")
    kinds = [_kind(entry) for entry in entries]
    export = Export(blog_title=_text(root, "title") or "Blog")
    for entry, kind in zip(entries, kinds, strict=True):
        if kind in IGNORED_KINDS:
            export.ignored += 1
        elif kind == "post":
            _add(export, entry, _post)
        elif kind == "comment":
            _add(export, entry, _comment)
        else:
            export.skipped.append((_text(entry, "id") or "?", f"entry of kind “{kind}”"))
    return export


def _add(export, entry, reader):
    try:
        record = reader(entry)
    except (ValueError, TypeError) as exc:
        export.skipped.append((_text(entry, "title") or _text(entry, "id") or "?", str(exc)))
        return
    (export.posts if isinstance(record, Post) else export.comments).append(record)


def _post(entry) -> Post:
    title = _text(entry, "title").strip()
    if not title:
        raise ValueError("post has no title")
    draft = (entry.findtext(f"{APP}control/{APP}draft") or "").strip() == "yes"
    alternate = _link(entry, "alternate")
    return Post(
        source_id=_required_id(entry),
        title=title,
        html=_text(entry, "content"),
        published=_datetime(entry, "published"),
        updated=_datetime(entry, "updated"),
        author=_text(entry, f"author/{ATOM}name").strip() or "Unknown author",
        labels=[
            c.get("term", "").strip()
            for c in entry.findall(f"{ATOM}category")
            if c.get("scheme") == LABEL_SCHEME and c.get("term", "").strip()
        ],
        draft=draft,
        old_path=urlsplit(alternate).path if alternate and not draft else None,
    )


def _comment(entry) -> Comment:
    reply_to = entry.find(f"{THR}in-reply-to")
    if reply_to is None or not reply_to.get("ref"):
        raise ValueError("comment does not say which post it belongs to")
    # A reply names its parent comment in a "related" link (or in thr:in-reply-to itself).
    related = _link(entry, "related")
    return Comment(
        source_id=_required_id(entry),
        post_id=reply_to.get("ref"),
        parent_id=related.rstrip("/").rsplit("/", 1)[-1] if related else None,
        author=_text(entry, f"author/{ATOM}name").strip() or "Anonymous",
        email=_text(entry, f"author/{ATOM}email").strip(),
        url=_text(entry, f"author/{ATOM}uri").strip(),
        text=html_to_text(_text(entry, "content")),
        published=_datetime(entry, "published"),
    )


def html_to_text(markup: str) -> str:
    """Blogger stores comments as HTML; readers' comments here are plain text."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    text = re.sub(r"(?i)</p\s*>", "\n\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()


def _kind(entry) -> str | None:
    for category in entry.findall(f"{ATOM}category"):
        term = category.get("term", "")
        if category.get("scheme") == KIND_SCHEME and term.startswith(KIND_PREFIX):
            return term.removeprefix(KIND_PREFIX)
    return None


def _text(element, path: str) -> str:
    return element.findtext(f"{ATOM}{path}") or ""


def _link(entry, rel: str) -> str | None:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel") == rel and link.get("href"):
            return link.get("href")
    return None


def _required_id(entry) -> str:
    value = _text(entry, "id").strip()
    if not value:
        raise ValueError("entry has no id")
    return value


def _datetime(entry, name: str) -> datetime:
    value = _text(entry, name).strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} time “{value}” is not a date") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{name} time “{value}” has no time zone")
    return parsed
