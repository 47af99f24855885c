"""Writes with side effects on articles. Each runs in one transaction and keeps a revision."""

import hashlib

import reversion
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import images
from .models import Article, Image
from .page_cache import bump_version


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
        bump_version()  # update() sends no save signal
    return len(pks)


@transaction.atomic
def unpublish_articles(*, articles: QuerySet[Article], user=None) -> int:
    """Return articles to draft. Their publication time is kept for when they come back."""
    with reversion.create_revision():
        live = articles.filter(status=Article.Status.PUBLISHED)
        pks = list(live.values_list("pk", flat=True))
        live.update(status=Article.Status.DRAFT, modified_at=timezone.now())
        _record_revision(pks, user=user, comment="Unpublished (back to draft).")
        bump_version()
    return len(pks)


@transaction.atomic
def process_image(*, image: Image) -> None:
    """Make the renditions of a newly stored image file and drop those of the file it replaced.

    Renditions live in a folder named after the file's content, so a replaced picture gets new
    addresses and no browser or CDN keeps showing the old one.
    """
    old = [name for names in image.renditions.values() for name in names.values()]
    with image.file.open("rb") as stored:
        digest = hashlib.sha256(stored.read()).hexdigest()[:12]
    image.renditions = images.make_renditions(image.file.name, folder=f"renditions/{digest}")
    image.save(update_fields=["renditions"])
    kept = {name for names in image.renditions.values() for name in names.values()}
    for name in set(old) - kept:
        default_storage.delete(name)
