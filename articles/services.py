"""Writes with side effects on articles. Each runs in one transaction."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Article


@transaction.atomic
def publish_articles(*, articles: QuerySet[Article]) -> int:
    """Publish the given articles; those without a publication time are published now.

    Scheduled pieces keep their future time. Returns how many articles changed.
    """
    drafts = articles.exclude(status=Article.Status.PUBLISHED)
    undated = drafts.filter(published_at__isnull=True).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now(), modified_at=timezone.now()
    )
    dated = drafts.update(status=Article.Status.PUBLISHED, modified_at=timezone.now())
    return undated + dated


@transaction.atomic
def unpublish_articles(*, articles: QuerySet[Article]) -> int:
    """Return articles to draft. Their publication time is kept for when they come back."""
    return articles.filter(status=Article.Status.PUBLISHED).update(
        status=Article.Status.DRAFT, modified_at=timezone.now()
    )
