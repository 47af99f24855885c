"""Derived data kept in step with every write path: admin, imports, demo load, revision restore
(a raw save) and fixtures. Each change also bumps the page cache version (page_cache.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .page_cache import bump_version
from .search import refresh_search_vectors


def article_saved(sender, instance, raw=False, **kwargs):
    refresh_search_vectors([instance.pk])
    if raw:  # a restored revision or fixture brings an old stored comment count back
        from comments.services import refresh_comment_counts

        refresh_comment_counts(article_ids=[instance.pk])
    bump_version()


def byline_changed(sender, instance, **kwargs):
    refresh_search_vectors([instance.article_id])  # author names are searched
    bump_version()


def author_saved(sender, instance, **kwargs):
    refresh_search_vectors(instance.bylines.values("article_id"))
    bump_version()


def content_changed(sender, **kwargs):
    bump_version()


def comment_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loaded from a backup or fixture: recount its essay (articles load first)
        from comments.services import refresh_comment_counts

        refresh_comment_counts(article_ids=[instance.article_id])
    # A new pending or spam comment changes no public page; approvals and removals go through
    # comments.services.refresh_comment_counts, which bumps the version itself.
    if instance.status == instance.Status.APPROVED:
        bump_version()


def connect() -> None:
    from comments.models import Comment

    from .models import Article, ArticleAuthor, Author, Image, Page, Section, Topic

    post_save.connect(article_saved, sender=Article, dispatch_uid="article-saved")
    post_delete.connect(content_changed, sender=Article, dispatch_uid="article-deleted")
    for signal in (post_save, post_delete):
        signal.connect(byline_changed, sender=ArticleAuthor, dispatch_uid=f"byline-{signal}")
    post_save.connect(author_saved, sender=Author, dispatch_uid="author-saved")
    post_delete.connect(content_changed, sender=Author, dispatch_uid="author-deleted")
    for model in (Image, Page, Section, Topic):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"saved-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"del-{model.__name__}")
    m2m_changed.connect(content_changed, sender=Article.topics.through, dispatch_uid="topics")
    post_save.connect(comment_changed, sender=Comment, dispatch_uid="comment-saved")
    post_delete.connect(content_changed, sender=Comment, dispatch_uid="comment-deleted")
