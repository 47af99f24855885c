"""RSS 2.0 and Atom feeds of the newest published essays: site-wide and per section/topic/author.

Each feed class has an Atom twin (`atom()`); GUIDs are tag: URIs built from the site's host and
the essay's id, so they survive a change of slug or URL layout.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from core.edge.keys import tag

from .models import Article, Author, Section, Topic

FEED_LENGTH = 20


def site_tag(year: int | str) -> str:
    """The start of this site's tag: URIs (RFC 4151): tag:host,year:"""
    return f"tag:{urlsplit(settings.SITE_URL).hostname or 'localhost'},{year}:"


def tag_uri(kind: str, obj) -> str:
    """A stable id for a feed item: tag:host,year:kind/pk."""
    return f"{site_tag(obj.created_at.year)}{kind}/{obj.pk}"


def atom(feed_class):
    """The Atom 1.0 version of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )


class LatestEssaysFeed(Feed):
    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj}" if obj else settings.SITE_NAME

    def link(self, obj=None):
        return obj.get_absolute_url() if obj else reverse("articles:home")

    def description(self, obj=None):
        return f"The newest essays from {self.title(obj)}."

    def filter_articles(self, articles, obj):
        return articles

    def items(self, obj=None):
        articles = Article.objects.published().with_byline().prefetch_related("topics")
        return self.filter_articles(articles, obj)[:FEED_LENGTH]

    def get_context_data(self, **kwargs):
        tag(kwargs["request"], f"essay-{kwargs['item'].pk}")  # called once per item
        return super().get_context_data(**kwargs)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The whole essay (HTML, sanitised on save) or its standfirst: FEED_FULL_CONTENT."""
        if settings.FEED_FULL_CONTENT:
            body = item.body_with_figures(base_url=settings.SITE_URL)
            return f"<p><strong>{escape(item.standfirst)}</strong></p>{body}"
        return escape(item.standfirst)  # descriptions are HTML; the standfirst is plain text

    def item_guid(self, item):
        return tag_uri("essay", item)

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.author_list)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at if item.show_updated else item.published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class OwnedFeed(LatestEssaysFeed):
    """A feed for one section, topic or author, looked up by the slug in the URL."""

    owner_model = None
    owner_filter = ""

    def get_object(self, request, slug):
        owner = get_object_or_404(self.owner_model.objects.public(), slug=slug)
        tag(request, f"{self.owner_model._meta.model_name}-{owner.pk}")
        return owner

    def filter_articles(self, articles, obj):
        return articles.filter(**{self.owner_filter: obj})


class SectionFeed(OwnedFeed):
    owner_model = Section
    owner_filter = "section"


class TopicFeed(OwnedFeed):
    owner_model = Topic
    owner_filter = "topics"


class AuthorFeed(OwnedFeed):
    owner_model = Author
    owner_filter = "authors"


LatestEssaysAtomFeed = atom(LatestEssaysFeed)
SectionAtomFeed, TopicAtomFeed, AuthorAtomFeed = map(atom, (SectionFeed, TopicFeed, AuthorFeed))
