from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from .models import Article, Author, Page, Section, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .order_by("-published_at", "-id")
            .only("slug", "published_at", "modified_at")
        )

    def lastmod(self, item):
        # A scheduled piece saved last week was not "modified" before it went out.
        return max(item.modified_at, item.published_at)


class PageSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Page.objects.published().order_by("slug").only("slug", "modified_at")

    def lastmod(self, item):
        return item.modified_at


class ListingSitemap(Sitemap):
    """Section, topic and author pages that have at least one published essay."""

    changefreq = "weekly"

    def __init__(self, model):
        self.model = model

    def items(self):
        published = Q(articles__in=Article.objects.published())
        return (
            self.model.objects.public()
            .annotate(latest=Max("articles__published_at", filter=published))
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.latest


SITEMAPS = {
    "essays": ArticleSitemap,
    "sections": ListingSitemap(Section),
    "topics": ListingSitemap(Topic),
    "authors": ListingSitemap(Author),
    "pages": PageSitemap,
}
