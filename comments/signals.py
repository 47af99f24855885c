"""Pages showing comments are purged when the public ones change, on every write path; and
the comments app's part in what the articles app does (recounts, Blogger imports)."""

from django.db.models.signals import post_delete, post_save

from core.edge import purge


def comment_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaded from a backup or fixture: recount its essay (articles load first)
        from .services import refresh_comment_counts

        refresh_comment_counts(article_ids=[instance.article_id])
    # A new pending or spam comment changes no public page; approvals and removals go through
    # services.refresh_comment_counts, which purges the essay's pages itself.
    if instance.status == instance.Status.APPROVED:
        purge.changed("comments", f"comments-{instance.article_id}")


def comment_deleted(sender, instance, **kwargs):
    purge.changed("comments", f"comments-{instance.article_id}")


def article_saved(sender, instance, raw=False, **kwargs):
    if raw:  # a restored revision or fixture brings an old stored comment count back
        from .services import refresh_comment_counts

        refresh_comment_counts(article_ids=[instance.pk])


def connect() -> None:
    from articles.importers.blogger_import import comments_read
    from articles.importers.wordpress_import import wordpress_comments_read
    from articles.models import Article

    from .importers.blogger import store_blogger_comments
    from .importers.wordpress import store_wordpress_comments
    from .models import Comment

    post_save.connect(article_saved, sender=Article, dispatch_uid="comments-article-saved")
    comments_read.connect(store_blogger_comments, dispatch_uid="comments-from-blogger")
    wordpress_comments_read.connect(store_wordpress_comments, dispatch_uid="comments-from-wp")
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="comment-saved")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="comment-deleted")
