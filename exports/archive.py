"""The site as a JSON archive: a zip of one JSON Lines file per kind, the original media files
and a manifest (docs/export.md describes every file and field).

Each member is written into the zip as its rows are read (`ZipFile.open(name, "w")`), and each
table is read with `.iterator()`, so memory stays flat however many comments there are.
`import_archive` (restore.py) reads the same KINDS back.
"""

import io
import json
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from reversion.models import Version

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
from comments.models import BlocklistEntry, Comment, ModerationAction

from .values import batched, software_version, utc_iso

FORMAT = "essay-review-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
# The models whose django-reversion versions `--revisions` exports (an essay's revision also
# holds its bylines).
VERSIONED = ("articles.article", "articles.articleauthor", "articles.page")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Kind:
    """One file of the archive: a model's rows as flat objects, "id" first.

    `fields` are model field names (a foreign key by its column, e.g. "section_id");
    `users` are foreign keys to accounts, written as the username (accounts are not exported).
    """

    name: str
    model: type[Model]
    fields: tuple[str, ...]
    users: tuple[str, ...] = ()
    # Derived on save, exported for readers of the archive, recomputed by import_archive.
    derived: tuple[str, ...] = ()
    # Per chunk of rows: {pk: more fields}, read as plain values (no prefetch: its links from
    # each related row back to its owner are cycles only the garbage collector frees).
    extra: Callable[[list[Model]], dict[int, dict]] | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.jsonl"

    def queryset(self) -> QuerySet:
        return self.model._default_manager.order_by("pk").select_related(*self.users)

    def rows(self, chunk_size: int) -> Iterator[dict]:
        objects = self.queryset().iterator(chunk_size=chunk_size)
        for chunk in batched(objects, chunk_size):
            extra = self.extra(chunk) if self.extra else {}
            for obj in chunk:
                yield self.row(obj) | extra.get(obj.pk, {})

    def row(self, obj: Model) -> dict:
        row = {"id": obj.pk}
        for name in (*self.fields, *self.derived):
            row[name] = plain(getattr(obj, name))
        for name in self.users:
            user = getattr(obj, name) if getattr(obj, f"{name}_id") else None
            row[name] = user.get_username() if user else None
        return row


def plain(value):
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _essay_extra(articles: list[Article]) -> dict[int, dict]:
    ids = [article.pk for article in articles]
    extra = {pk: {"bylines": [], "topic_ids": []} for pk in ids}
    bylines = ArticleAuthor.objects.filter(article_id__in=ids).order_by("position", "id")
    for byline in bylines.values("article_id", "id", "author_id", "position"):
        extra[byline.pop("article_id")]["bylines"].append(byline)
    topics = Article.topics.through.objects.filter(article_id__in=ids).order_by("topic_id")
    for article_id, topic_id in topics.values_list("article_id", "topic_id"):
        extra[article_id]["topic_ids"].append(topic_id)
    return extra


CATEGORY_FIELDS = ("name", "slug", "description")
KINDS = (
    Kind("sections", Section, CATEGORY_FIELDS),
    Kind("topics", Topic, CATEGORY_FIELDS),
    Kind("authors", Author, ("name", "slug", "bio", "photo")),
    Kind(
        "images",
        Image,
        ("file", "width", "height", "alt_text", "caption", "credit", "source_url", "created_at"),
    ),
    Kind(
        "essays",
        Article,
        (
            "title",
            "slug",
            "standfirst",
            "body",
            "body_format",
            "section_id",
            "featured_image_id",
            "status",
            "published_at",
            "updated_at",
            "created_at",
            "modified_at",
            "allow_comments",
            "seo_title",
            "seo_description",
            "source_id",
            "source_digest",
        ),  # fmt: skip
        derived=("body_html", "word_count", "comment_count"),
        extra=_essay_extra,
    ),
    Kind(
        "pages",
        Page,
        (
            "title",
            "slug",
            "body",
            "body_format",
            "status",
            "position",
            "created_at",
            "modified_at",
            "source_id",
            "source_digest",
        ),  # fmt: skip
        derived=("body_html",),
    ),
    Kind("redirects", LegacyRedirect, ("old_path", "article_id", "page_id")),
    Kind(
        "comments",
        Comment,
        (
            "article_id",
            "parent_id",
            "in_reply_to_id",
            "depth",
            "author_name",
            "author_email",
            "author_url",
            "text",
            "status",
            "held_reasons",
            "ip_address",
            "user_agent",
            "created_at",
            "notify_replies",
            "parent_author_notified",
            "moderated_at",
            "source_id",
            "source_digest",
        ),  # fmt: skip
        users=("user", "moderated_by"),
    ),
    Kind(
        "moderation_actions",
        ModerationAction,
        ("comment_id", "status", "created_at"),
        users=("moderator",),
    ),
    Kind("blocklist", BlocklistEntry, ("kind", "value", "note", "created_at")),
)


def revision_rows(chunk_size: int) -> Iterator[dict]:
    """Versions of essays (with their bylines) and pages, grouped by revision, oldest first."""
    labels = [label.split(".") for label in VERSIONED]
    versions = (
        Version.objects.filter(
            content_type__app_label__in={app for app, _ in labels},
            content_type__model__in={model for _, model in labels},
        )
        .select_related("revision__user", "content_type")
        .order_by("revision_id", "id")
    )
    for version in versions.iterator(chunk_size=chunk_size):
        revision = version.revision
        yield {
            "id": version.pk,
            "revision_id": revision.pk,
            "revision_date": utc_iso(revision.date_created),
            "revision_user": revision.user.get_username() if revision.user else None,
            "revision_comment": revision.comment,
            "model": f"{version.content_type.app_label}.{version.content_type.model}",
            "object_id": version.object_id,
            "format": version.format,
            "serialized_data": version.serialized_data,
            "object_repr": version.object_repr,
        }


def media_names(chunk_size: int) -> Iterator[str]:
    """Storage names of every original: images, then author photos."""
    images = Image.objects.order_by("pk").values_list("file", flat=True)
    photos = Author.objects.exclude(photo="").order_by("pk").values_list("photo", flat=True)
    for names in (images, photos):
        yield from (name for name in names.iterator(chunk_size=chunk_size) if name)


def write_archive(
    target, *, revisions: bool = False, chunk_size: int = 1000, progress: Progress | None = None
) -> Counter:
    """Write the archive to `target` (a path or a binary file); return the rows per kind."""
    progress = progress or (lambda done, total: None)
    counts = Counter()
    missing = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        steps = len(KINDS) + revisions + 1
        for step, kind in enumerate(KINDS, 1):
            counts[kind.name] = _write_lines(zf, kind.file, kind.rows(chunk_size))
            progress(step, steps)
        if revisions:
            counts["revisions"] = _write_lines(zf, "revisions.jsonl", revision_rows(chunk_size))
        seen = set()
        for name in media_names(chunk_size):
            if name in seen:
                continue
            seen.add(name)
            if _copy_media(zf, name):
                counts["media_files"] += 1
            else:
                missing.append(name)
        progress(steps, steps)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "generator": f"Essay Review {software_version()}",
            "site": {"name": settings.SITE_NAME, "url": settings.SITE_URL},
            "created_at": utc_iso(timezone.now()),
            "revisions": revisions,
            "counts": dict(counts),
            "files": [kind.file for kind in KINDS] + (["revisions.jsonl"] if revisions else []),
            "missing_media": missing,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return counts


def _write_lines(zf: zipfile.ZipFile, name: str, rows) -> int:
    count = 0
    # force_zip64: the size is not known before the member is written, and may pass 2 GiB.
    with io.TextIOWrapper(
        zf.open(name, "w", force_zip64=True), encoding="utf-8", newline="\n"
    ) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def _copy_media(zf: zipfile.ZipFile, name: str) -> bool:
    """The original file, stored as it is (pictures are compressed already). False if the
    storage no longer has it (the manifest lists it under missing_media)."""
    try:
        source = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        return False
    info = zipfile.ZipInfo(MEDIA + name, date_time=timezone.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with source, zf.open(info, "w", force_zip64=True) as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return True
