"""What changed between two saved revisions of an essay, field by field, for the History page.

Revisions are django-reversion Versions: the essay's own row plus, in the same revision, one
Version per byline (followed). Everything here returns plain text segments; the template
escapes them, so markup in an old body is shown as text, never rendered.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format
from reversion.errors import RevertError
from reversion.models import Version

from .models import Article, ArticleAuthor, Author, Image, Section, Topic

# Fields an editor sets, in the order of the form. Derived ones (body_html, word_count,
# modified_at, search data) follow from these and would only repeat the change.
COMPARED_FIELDS = [
    "title", "slug", "section", "standfirst", "body", "body_format", "authors", "topics",
    "featured_image", "status", "published_at", "updated_at", "allow_comments", "seo_title",
    "seo_description",
]  # fmt: skip
LONG_TEXT_FIELDS = {"standfirst", "body"}
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass
class Segment:
    """A run of text that was kept ("equal"), added ("insert") or removed ("delete")."""

    kind: str
    text: str


@dataclass
class Block:
    """One paragraph of a long text: changed (with segments) or a run of unchanged ones."""

    segments: list[Segment] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    blocks: list[Block] | None = None  # long texts: diffed paragraph by paragraph


class UnreadableRevision(Exception):
    """A stored revision that no longer deserialises (e.g. from a much older schema)."""


def paragraphs(text: str) -> list[str]:
    """Markdown paragraphs are separated by blank lines; an HTML body with none, by lines."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return []
    parts = PARAGRAPH_BREAK.split(text)
    if len(parts) == 1 and "\n" in text:
        parts = text.split("\n")
    return [part.strip() for part in parts if part.strip()]


def word_diff(before: str, after: str) -> list[Segment]:
    """Inside a changed paragraph: which words went and which came (whitespace kept)."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(new[j1:j2])))
    return segments


def text_diff(before: str, after: str) -> list[Block]:
    """Long text diffed by paragraph; unchanged paragraphs are grouped so the page folds them."""
    old, new = paragraphs(before), paragraphs(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks.append(Block(unchanged=old[i1:i2]))
            continue
        removed, added = old[i1:i2], new[j1:j2]
        # A rewritten paragraph reads best as one paragraph with words marked, not as a
        # deleted block followed by an inserted one.
        for a, b in zip(removed, added, strict=False):
            blocks.append(Block(segments=word_diff(a, b)))
        for a in removed[len(added) :]:
            blocks.append(Block(segments=[Segment("delete", a)]))
        for b in added[len(removed) :]:
            blocks.append(Block(segments=[Segment("insert", b)]))
    return blocks


def _byline_ids(version: Version, article_id: str) -> list[int]:
    byline_type = ContentType.objects.get_for_model(ArticleAuthor)
    rows = []
    for byline in version.revision.version_set.all():
        if byline.content_type_id != byline_type.pk:
            continue
        data = byline.field_dict
        if str(data.get("article_id")) == article_id:
            rows.append((data.get("position") or 0, int(byline.object_id), data["author_id"]))
    return [author_id for _, _, author_id in sorted(rows)]


def _snapshot(version: Version) -> dict:
    try:
        data = dict(version.field_dict)
        data["authors"] = _byline_ids(version, version.object_id)
    except (RevertError, KeyError, ValueError) as exc:
        raise UnreadableRevision(str(exc)) from exc
    return data


def _names(model, ids) -> dict:
    return {pk: str(obj) for pk, obj in model.objects.in_bulk(set(ids)).items()}


def _label(name: str) -> str:
    if name == "authors":
        return "Authors"
    verbose = Article._meta.get_field(name).verbose_name
    return verbose[:1].upper() + verbose[1:]


def _show(name: str, value, names: dict) -> str:
    """A stored value as an editor would read it in the form."""
    if name in ("section", "featured_image"):
        if value is None:
            return "—"
        return names[name].get(value, f"#{value} (since deleted)")
    if name in ("topics", "authors"):
        return ", ".join(names[name].get(pk, f"#{pk} (since deleted)") for pk in value) or "—"
    if name in ("status", "body_format"):
        choices = dict(Article._meta.get_field(name).choices)
        return str(choices.get(value, value))
    if name == "allow_comments":
        return "Yes" if value else "No"
    if name in ("published_at", "updated_at"):
        return date_format(timezone.localtime(value), "j F Y, H:i") if value else "—"
    return str(value or "")


def compare(older: Version, newer: Version) -> list[FieldChange]:
    """Every editor-set field that differs between two revisions of one essay."""
    before, after = _snapshot(older), _snapshot(newer)
    # One look-up per related model, whatever the number of fields or ids.
    wanted = {"section": set(), "featured_image": set(), "topics": set(), "authors": set()}
    for data in (before, after):
        for key in ("section", "featured_image"):
            if data.get(f"{key}_id") is not None:
                wanted[key].add(data[f"{key}_id"])
        wanted["topics"].update(data.get("topics") or [])
        wanted["authors"].update(data.get("authors") or [])
    names = {
        "section": _names(Section, wanted["section"]),
        "featured_image": _names(Image, wanted["featured_image"]),
        "topics": _names(Topic, wanted["topics"]),
        "authors": _names(Author, wanted["authors"]),
    }
    changes = []
    for name in COMPARED_FIELDS:
        key = f"{name}_id" if name in ("section", "featured_image") else name
        old, new = before.get(key), after.get(key)
        if name == "topics":
            old, new = sorted(old or []), sorted(new or [])
        if old == new:
            continue
        change = FieldChange(_label(name))
        if name in LONG_TEXT_FIELDS:
            change.blocks = text_diff(old or "", new or "")
        else:
            change.before, change.after = _show(name, old, names), _show(name, new, names)
        changes.append(change)
    return changes
