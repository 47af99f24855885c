"""Writes with side effects on articles. Each runs in one transaction and keeps a revision."""

import hashlib
import logging
from datetime import timedelta

import reversion
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import edge, images
from .models import Article, Image

logger = logging.getLogger(__name__)


def _record_revision(pks: list[int], *, user, comment: str) -> None:
    for article in Article.objects.filter(pk__in=pks):
        reversion.add_to_revision(article)
    reversion.set_user(user)
    reversion.set_comment(comment)


@transaction.atomic
def publish_articles(*, articles: QuerySet[Article], user=None) -> int:
    """Publish the given articles; those without a publication time are published now.

    Scheduled pieces keep their future time. Returns how many articles changed.
    """
    with reversion.create_revision():
        drafts = articles.exclude(status=Article.Status.PUBLISHED)
        pks = list(drafts.values_list("pk", flat=True))
        now = timezone.now()
        drafts.filter(published_at__isnull=True).update(
            status=Article.Status.PUBLISHED, published_at=now, modified_at=now
        )
        drafts.update(status=Article.Status.PUBLISHED, modified_at=now)
        _record_revision(pks, user=user, comment="Published.")
        edge.essay_changed(pks)  # update() sends no save signal
    return len(pks)


@transaction.atomic
def unpublish_articles(*, articles: QuerySet[Article], user=None) -> int:
    """Return articles to draft. Their publication time is kept for when they come back."""
    with reversion.create_revision():
        live = articles.filter(status=Article.Status.PUBLISHED)
        pks = list(live.values_list("pk", flat=True))
        live.update(status=Article.Status.DRAFT, modified_at=timezone.now())
        _record_revision(pks, user=user, comment="Unpublished (back to draft).")
        edge.essay_changed(pks)
    return len(pks)


def rendition_names(renditions: dict) -> set[str]:
    return {name for names in renditions.values() for name in names.values()}


@transaction.atomic
def save_image(*, image: Image, new_file: bool) -> None:
    """Save an image; its renditions are made by the task worker once this transaction commits.

    So an editor's save of a 40-megapixel upload takes the time to check and store it, not to
    resize it six times. Until the renditions exist, pages show the original (already stripped
    of metadata). A replaced file's renditions are forgotten at once, so no page shows the old
    picture, and deleted by the task once the new ones exist.
    """
    if image.pk:
        # The worker may have stored renditions since this instance was loaded: keep them.
        current = (
            Image.objects.select_for_update()
            .filter(pk=image.pk)
            .values_list("renditions", flat=True)
            .first()
        )
        image.renditions = current if current is not None else image.renditions
    stale = rendition_names(image.renditions) if new_file else set()
    if new_file:
        image.renditions = {}
    image.save()
    if new_file or not image.renditions:
        queue_renditions(image=image, stale=stale)


def queue_renditions(*, image: Image, stale=()) -> None:
    """Have the task worker make the renditions of the image's current file, after the commit."""
    from .tasks import make_renditions  # the task module imports this one

    args = (image.pk, image.file.name, sorted(stale))

    def enqueue():
        try:
            make_renditions.enqueue(*args)
        except Exception:  # the image is saved and shown from its original; a later save retries
            logger.warning("Could not enqueue renditions of image %s", args[0], exc_info=True)

    transaction.on_commit(enqueue)


def queue_missing_renditions(now=None) -> int:
    """Images of the last day still without renditions ten minutes after upload, and with no
    rendition task waiting, get one (their task was lost). Replaced files are not looked for."""
    from core.worker import waiting_for

    from .tasks import make_renditions

    now = now or timezone.now()
    recent = (now - timedelta(days=1), now - timedelta(minutes=10))
    missing = Image.objects.filter(renditions={}, created_at__range=recent)
    queued = waiting_for(make_renditions, running=True)
    count = 0
    for image in missing.exclude(pk__in=queued).only("pk", "file")[:100]:
        make_renditions.enqueue(image.pk, image.file.name, [])
        count += 1
    return count


def render_image(*, image_id: int, file_name: str, stale=()) -> str:
    """Make the renditions of an image's file (the task's body); delete those it replaced.

    Idempotent: a retry finds them made, and a task for a file replaced since makes nothing
    (the new file's own task does). Resizing runs outside any transaction, so no row is locked
    while it takes its seconds.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.file.name != file_name:
        _delete_unused(stale, image_id=image_id)
        return "skipped: the image was deleted or given another file since"
    converted = images.srgb_original(file_name)  # a large wide-gamut upload, stored as sent
    if converted:
        with transaction.atomic():
            moved = Image.objects.filter(pk=image_id, file=file_name).update(file=converted)
        default_storage.delete(file_name if moved else converted)
        if not moved:
            return "skipped: the image was given another file while it was converted"
        file_name = converted
    folder = _rendition_folder(image_id, file_name)
    made = image.renditions
    if not made or any(not name.startswith(f"{folder}/") for name in rendition_names(made)):
        made = images.make_renditions(file_name, folder=folder)
        with transaction.atomic():
            stored = Image.objects.filter(pk=image_id, file=file_name).update(renditions=made)
            if stored:
                edge.image_changed(image_id)  # update() sends no signal; pages use renditions
        if not stored:  # replaced or deleted while we were resizing
            _delete_unused(rendition_names(made) | set(stale), image_id=image_id)
            return "skipped: the image was given another file while its renditions were made"
    _delete_unused(rendition_names(image.renditions) | set(stale), image_id=image_id)
    return f"renditions {', '.join(sorted(made, key=int))} px wide"


def _rendition_folder(image_id: int, file_name: str) -> str:
    """Named after the image and the file's content: a replaced picture gets new addresses, so
    no browser or CDN keeps showing the old one, and two images never share renditions."""
    with default_storage.open(file_name, "rb") as stored:
        digest = hashlib.file_digest(stored, "sha256").hexdigest()[:12]
    return f"renditions/{image_id}/{digest}"


def _delete_unused(names, *, image_id: int) -> None:
    in_use = rendition_names(
        Image.objects.filter(pk=image_id).values_list("renditions", flat=True).first() or {}
    )
    for name in set(names) - in_use:
        default_storage.delete(name)
