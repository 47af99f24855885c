"""Writes with side effects on articles. Each runs in one transaction and keeps a revision."""

import reversion
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import images
from .models import Article, Image


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
    return len(pks)


@transaction.atomic
def unpublish_articles(*, articles: QuerySet[Article], user=None) -> int:
    """Return articles to draft. Their publication time is kept for when they come back."""
    with reversion.create_revision():
        live = articles.filter(status=Article.Status.PUBLISHED)
        pks = list(live.values_list("pk", flat=True))
        live.update(status=Article.Status.DRAFT, modified_at=timezone.now())
        _record_revision(pks, user=user, comment="Unpublished (back to draft).")
    return len(pks)


def process_image(*, image: Image) -> None:
    """Make the renditions of a stored image, then refresh the essays that show it.

    Bodies embed the figure markup when saved, so essays using `[image:ID]` are re-rendered.
    """
    image.renditions = images.make_renditions(image.file.name, folder=f"renditions/{image.pk}")
    image.save(update_fields=["renditions"])
    refresh_essays_showing(image=image)


def refresh_essays_showing(*, image: Image) -> None:
    for article in Article.objects.filter(body__contains=f"[image:{image.pk}]"):
        article.save()
