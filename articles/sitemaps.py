from django.contrib.sitemaps import Sitemap

from .models import Article, Author, Section, Topic


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
        return item.modified_at


class ListingSitemap(Sitemap):
    """Section, topic and author pages that have at least one published essay."""

    changefreq = "weekly"

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.filter(articles__in=Article.objects.published()).distinct()


SITEMAPS = {
    "essays": ArticleSitemap,
    "sections": ListingSitemap(Section),
    "topics": ListingSitemap(Topic),
    "authors": ListingSitemap(Author),
}
