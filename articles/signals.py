"""Derived data kept in step with every write path: admin, imports, demo load, revision restore
(a raw save) and fixtures. Each change also purges the pages that show it (edge.py)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from core.edge import purge

from . import edge
from .search import refresh_search_vectors, remove_from_index

# Inside `essays_changed_once()`: the essays whose index and pages are to be refreshed at its end.
_changed: ContextVar[set | None] = ContextVar("essays_changed", default=None)


@contextmanager
def essays_changed_once():
    """Within it, an essay saved, re-bylined and re-filed is re-indexed and purged once, when
    it ends (an importer's batch: three times per essay cost most of an import's time).
    Nothing is done if the block fails: its transaction is rolled back too."""
    changed = set()
    token = _changed.set(changed)
    try:
        yield
    finally:
        _changed.reset(token)
    if changed:
        _essays_changed(sorted(changed))


def _essays_changed(article_ids) -> None:
    if (waiting := _changed.get()) is not None:
        waiting.update(article_ids)
        return
    refresh_search_vectors(article_ids)
    edge.essay_changed(article_ids)


def article_saved(sender, instance, raw=False, **kwargs):
    # A raw save (restored revision, fixture) also brings an old stored comment count back:
    # the comments app recounts it (comments/signals.py).
    _essays_changed([instance.pk])


def article_deleted(sender, instance, **kwargs):
    pk = instance.pk  # every page that showed it carries essay-ID
    remove_from_index([pk])
    purge.changed(f"essay-{pk}", f"comments-{pk}", *edge.EVERY_LIST)


def byline_changed(sender, instance, **kwargs):
    _essays_changed([instance.article_id])  # author names are searched
    purge.changed(f"author-{instance.author_id}")


def author_saved(sender, instance, created=False, **kwargs):
    if created:
        return  # a new author is on no byline yet: on no page, in no essay's index
    refresh_search_vectors(instance.bylines.values("article_id"))
    owner_changed(sender, instance)


def owner_changed(sender, instance, created=False, **kwargs):
    """A section, topic or author: its own pages, the essays that name it, the sitemap."""
    if created:
        return  # no essay names it yet, so no page shows it
    name = sender._meta.model_name
    purge.changed(f"{name}-{instance.pk}", "sitemap")
    lookup = {"section": "section", "topic": "topics", "author": "bylines__author"}[name]
    edge.essays_showing(**{lookup: instance.pk})


def topics_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action.startswith("post_"):
        articles = (pk_set or []) if reverse else [instance.pk]
        topics = [instance.pk] if reverse else (pk_set or [])
        if (waiting := _changed.get()) is not None:
            waiting.update(articles)
        else:
            edge.essay_changed(list(articles))
        purge.changed(*(f"topic-{pk}" for pk in topics))


def image_changed(sender, instance, **kwargs):
    edge.image_changed(instance.pk)


def page_changed(sender, instance, **kwargs):
    purge.changed(f"page-{instance.pk}", "pages", "sitemap")


def connect() -> None:
    from .models import Article, ArticleAuthor, Author, Image, Page, Section, Topic

    post_save.connect(article_saved, sender=Article, dispatch_uid="article-saved")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="article-deleted")
    for signal in (post_save, post_delete):
        signal.connect(byline_changed, sender=ArticleAuthor, dispatch_uid=f"byline-{signal}")
        signal.connect(image_changed, sender=Image, dispatch_uid=f"image-{signal}")
        signal.connect(page_changed, sender=Page, dispatch_uid=f"page-{signal}")
    post_save.connect(author_saved, sender=Author, dispatch_uid="author-saved")
    # Before a delete, while the essays that show it can still be found.
    pre_delete.connect(owner_changed, sender=Author, dispatch_uid="author-deleted")
    for model in (Section, Topic):
        post_save.connect(owner_changed, sender=model, dispatch_uid=f"saved-{model.__name__}")
        pre_delete.connect(owner_changed, sender=model, dispatch_uid=f"del-{model.__name__}")
    m2m_changed.connect(topics_changed, sender=Article.topics.through, dispatch_uid="topics")
