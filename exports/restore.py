"""A JSON archive (archive.py) back into an empty site: `manage.py import_archive`.

Everything keeps its id. Rows are inserted in batches inside one transaction, media files are
written to default_storage first (and deleted again if anything fails), so a bad archive
leaves the site as it was. What `save()` would derive (body_html, word counts, comment HTML)
is computed here, since bulk inserts skip save(); then the project's own functions re-index
search and recount comments, and renditions are queued for the worker.
"""

import io
import json
import posixpath
import zipfile
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import FileField, Model
from reversion.models import Revision, Version

from articles.models import Article, ArticleAuthor, Image, Page
from articles.rendering import count_words, render_body
from articles.search import refresh_search_vectors
from articles.services import queue_renditions
from comments.models import Comment, render_comment_text
from comments.services import refresh_comment_counts

from . import archive
from .values import batched

BATCH = 1000

Progress = Callable[[int, int], None]


class ArchiveError(Exception):
    """The archive cannot be restored; the message says why, and nothing was changed."""


def restore_archive(path, *, progress: Progress | None = None) -> Counter:
    progress = progress or (lambda done, total: None)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path} is not a readable zip file ({error}).") from None
    with zf:
        manifest = _manifest(zf)
        files = set(zf.namelist())
        wanted = [kind.file for kind in archive.KINDS]
        if manifest.get("revisions"):
            wanted.append("revisions.jsonl")
        absent = [name for name in wanted if name not in files]
        if absent:
            raise ArchiveError(f"The archive has no {', '.join(absent)}.")
        _refuse_unless_empty(with_revisions=bool(manifest.get("revisions")))
        saved: list[str] = []
        try:
            with transaction.atomic():
                counts = _restore(zf, manifest, saved, progress)
        except ArchiveError:
            _forget(saved)
            raise
        except (
            DatabaseError, ValidationError, ValueError, TypeError, KeyError, AttributeError,
            OSError, zipfile.BadZipFile, SuspiciousOperation,
        ) as error:  # fmt: skip
            _forget(saved)
            raise ArchiveError(f"The archive could not be restored: {error}") from error
    return counts


def _manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(archive.MANIFEST))
    except KeyError:
        raise ArchiveError("No manifest.json: not an archive written by export_site.") from None
    except (ValueError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"manifest.json cannot be read ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != archive.FORMAT:
        raise ArchiveError("manifest.json does not describe an Essay Review archive.")
    if manifest.get("version") != archive.FORMAT_VERSION:
        raise ArchiveError(
            f"This archive is format version {manifest.get('version')!r}; this site reads "
            f"version {archive.FORMAT_VERSION}."
        )
    return manifest


def _refuse_unless_empty(*, with_revisions: bool) -> None:
    present = [kind.name for kind in archive.KINDS if kind.model._default_manager.exists()]
    if with_revisions and Revision.objects.exists():
        present.append("revisions")
    if present:
        raise ArchiveError(
            "import_archive restores into an empty site, and this one already has "
            f"{', '.join(present)}. Restore into a freshly migrated database."
        )


def _forget(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _restore(zf: zipfile.ZipFile, manifest: dict, saved: list[str], progress) -> Counter:
    renamed = _restore_media(zf, saved)
    counts = Counter(media_files=len(saved))
    users = _Users()
    steps = len(archive.KINDS) + 2
    with _keeping_timestamps():
        for step, kind in enumerate(archive.KINDS, 1):
            counts[kind.name] = _restore_kind(zf, kind, renamed, users)
            progress(step, steps)
    if manifest.get("revisions"):
        counts["revisions"] = _restore_revisions(zf, users)
    # Foreign keys are checked at the commit; checked now, a dangling id is this command's
    # error message rather than a failed commit (and tests, which never commit, see it too).
    connection.check_constraints()
    _rebuild_derived()
    progress(steps - 1, steps)
    models = [kind.model for kind in archive.KINDS] + [ArticleAuthor, Revision, Version]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    for image in Image.objects.only("pk", "file").iterator(chunk_size=BATCH):
        queue_renditions(image=image)  # after the commit; pages show originals meanwhile
    progress(steps, steps)
    return counts


def _restore_media(zf: zipfile.ZipFile, saved: list[str]) -> dict[str, str]:
    """Write media/… into default_storage; returns the names that storage had to change."""
    renamed = {}
    for info in zf.infolist():
        if not info.filename.startswith(archive.MEDIA) or info.is_dir():
            continue
        name = info.filename[len(archive.MEDIA) :]
        if posixpath.normpath(name) != name or name.startswith(("/", "..")):
            raise ArchiveError(f"The archive holds a file outside media/: {info.filename!r}.")
        with zf.open(info) as source:
            stored = default_storage.save(name, File(source, name=posixpath.basename(name)))
        saved.append(stored)
        if stored != name:
            renamed[name] = stored
    return renamed


@contextmanager
def _keeping_timestamps():
    """Bulk inserts would stamp auto_now(_add) fields with the time of the restore."""
    fields = [
        f
        for model in (Article, Page, Image)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    flags = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in flags:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Users:
    """Accounts are not in the archive: a username becomes the account of that name here, if
    there is one, else no one."""

    def __init__(self):
        self.ids: dict[str, int | None] = {}

    def __call__(self, username) -> int | None:
        if username is None:
            return None
        if username not in self.ids:
            model = get_user_model()
            found = model._default_manager.filter(**{model.USERNAME_FIELD: username})
            self.ids[username] = found.values_list("pk", flat=True).first()
        return self.ids[username]


def _lines(zf: zipfile.ZipFile, name: str):
    with zf.open(name) as raw:
        for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as error:
                raise ArchiveError(f"{name}, line {number}: not JSON ({error}).") from None
            if not isinstance(row, dict) or "id" not in row:
                raise ArchiveError(f"{name}, line {number}: not an object with an id.")
            yield number, row


def _value(model: type[Model], name: str, raw, renamed: dict):
    field = model._meta.get_field(name)
    if raw is None:
        return None
    if isinstance(field, FileField):
        if not isinstance(raw, str):
            raise ValidationError(f"{name} must be a storage name")
        return renamed.get(raw, raw)
    value = field.to_python(raw)
    if field.choices and value not in {choice for choice, _ in field.flatchoices}:
        raise ValidationError(f"{name} {value!r} is not one of the choices")
    return value


def _build(kind: archive.Kind, row: dict, renamed: dict, users: _Users) -> Model:
    values = {"id": _value(kind.model, "id", row["id"], renamed)}
    for name in kind.fields:
        if name not in row:
            raise ValidationError(f"no {name!r}")
        values[name] = _value(kind.model, name, row[name], renamed)
    for name in kind.users:
        values[f"{name}_id"] = users(row.get(name))
    obj = kind.model(**values)
    # What save() derives, since bulk_create skips it.
    if isinstance(obj, Article | Page):
        obj.body_html = render_body(obj.body, obj.body_format)
    if isinstance(obj, Article):
        obj.word_count = count_words(obj.body_html)
    if isinstance(obj, Comment):
        obj.text_html = render_comment_text(obj.text)
    return obj


def _restore_kind(zf, kind: archive.Kind, renamed: dict, users: _Users) -> int:
    count = 0
    rows, bylines, topics = [], [], []

    def flush():
        kind.model._default_manager.bulk_create(rows)
        ArticleAuthor.objects.bulk_create(bylines)
        Article.topics.through.objects.bulk_create(topics)
        rows.clear(), bylines.clear(), topics.clear()

    for number, row in _lines(zf, kind.file):
        try:
            obj = _build(kind, row, renamed, users)
            if kind.model is Article:
                bylines.extend(
                    ArticleAuthor(
                        id=int(b["id"]),
                        article_id=obj.pk,
                        author_id=int(b["author_id"]),
                        position=int(b["position"]),
                    )
                    for b in row["bylines"]
                )
                topics.extend(
                    Article.topics.through(article_id=obj.pk, topic_id=int(pk))
                    for pk in row["topic_ids"]
                )
        except (ValidationError, ValueError, TypeError, KeyError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            raise ArchiveError(f"{kind.file}, line {number}: {message}") from None
        rows.append(obj)
        count += 1
        if len(rows) >= BATCH:
            flush()
    flush()
    return count


def _restore_revisions(zf, users: _Users) -> int:
    count, revision_id, versions = 0, None, []
    content_types = {}
    for number, row in _lines(zf, "revisions.jsonl"):
        try:
            if row["model"] not in archive.VERSIONED:
                raise ValueError(f"versions of {row['model']!r} are not restored")
            if row["revision_id"] != revision_id:
                Version.objects.bulk_create(versions)  # before their revision's successor
                versions.clear()
                revision_id = row["revision_id"]
                Revision.objects.create(
                    id=int(revision_id),
                    date_created=datetime.fromisoformat(row["revision_date"]),
                    user_id=users(row["revision_user"]),
                    comment=str(row["revision_comment"]),
                )
            if row["model"] not in content_types:
                app_label, model = row["model"].split(".")
                content_types[row["model"]] = ContentType.objects.get_by_natural_key(
                    app_label, model
                )
            versions.append(
                Version(
                    id=int(row["id"]),
                    revision_id=int(revision_id),
                    object_id=str(row["object_id"]),
                    content_type=content_types[row["model"]],
                    db="default",
                    format=str(row["format"]),
                    serialized_data=str(row["serialized_data"]),
                    object_repr=str(row["object_repr"]),
                )
            )
        except (ValueError, TypeError, KeyError) as error:
            raise ArchiveError(f"revisions.jsonl, line {number}: {error}") from None
        count += 1
        if len(versions) >= BATCH:
            Version.objects.bulk_create(versions)
            versions.clear()
    Version.objects.bulk_create(versions)
    return count


def _rebuild_derived() -> None:
    """Search index and approved-comment counts, with the functions every write path uses."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in batched(ids, 2000):
        refresh_search_vectors(chunk)
        refresh_comment_counts(article_ids=chunk)
