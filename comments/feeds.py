"""RSS feeds of the newest approved comments: site-wide and per essay."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator

from articles.feeds import atom, site_tag, tag_uri
from articles.models import Article
from core.edge.keys import tag

from .models import Comment
from .templatetags.comment_tags import comment_text

FEED_LENGTH = 30


class LatestCommentsFeed(Feed):
    def title(self, obj=None):
        return f"Comments on “{obj.title}”" if obj else f"{settings.SITE_NAME}: latest comments"

    def link(self, obj=None):
        return f"{obj.get_absolute_url()}#comments" if obj else reverse("articles:home")

    def description(self, obj=None):
        return self.title(obj)

    def feed_guid(self, obj=None):
        # Atom feeds need their own id; the link (the home page) is the essays feed's.
        return site_tag(2026) + (f"comments/essay/{obj.pk}" if obj else "comments")

    def items(self, obj=None):
        comments = Comment.objects.approved().filter(article__in=Article.objects.published())
        if obj is not None:
            comments = comments.filter(article=obj)
        return comments.select_related("article").order_by("-created_at", "-id")[:FEED_LENGTH]

    def get_context_data(self, **kwargs):
        tag(kwargs["request"], f"essay-{kwargs['item'].article_id}")  # called once per item
        return super().get_context_data(**kwargs)

    def item_title(self, item):
        return f"{item.author_name} on “{item.article.title}”"

    def item_description(self, item):
        # RSS descriptions are HTML: the text goes out escaped, exactly as on the page.
        return comment_text(Truncator(item.text).chars(1000))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return tag_uri("comment", item)

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return item.author_name  # never the email address

    def item_pubdate(self, item):
        return item.created_at


class ArticleCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, slug):
        article = get_object_or_404(Article.objects.published(), slug=slug)
        tag(request, f"essay-{article.pk}", f"comments-{article.pk}")
        return article


LatestCommentsAtomFeed = atom(LatestCommentsFeed)
ArticleCommentsAtomFeed = atom(ArticleCommentsFeed)
