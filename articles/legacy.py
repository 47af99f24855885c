"""Addresses of an imported Blogger blog, answering 301 to their new homes.

Readers, search engines and feed readers keep old links for years: posts
(/2019/03/slug.html), pages (/p/about.html), feeds (/feeds/posts/default, per-label and
per-post comment feeds) and label pages (/search/label/Name). Only public targets redirect;
anything else is a 404, so an old address never reveals a draft.
"""

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Article, LegacyRedirect, Page, Topic


def old_address(request, old_path):
    public = Q(article__in=Article.objects.published()) | Q(page__in=Page.objects.published())
    redirect = get_object_or_404(
        LegacyRedirect.objects.select_related("article", "page").filter(public),
        old_path=f"/{old_path}",
    )
    return HttpResponsePermanentRedirect((redirect.article or redirect.page).get_absolute_url())


def _feed(request, rss_name: str, atom_name: str, **kwargs):
    """Blogger's feeds are Atom unless ?alt=rss asks for RSS."""
    name = rss_name if request.GET.get("alt") == "rss" else atom_name
    return HttpResponsePermanentRedirect(reverse(name, kwargs=kwargs))


def posts_feed(request):
    return _feed(request, "articles:feed", "articles:feed-atom")


def comments_feed(request):
    return _feed(request, "comments:feed", "comments:feed-atom")


def post_comments_feed(request, post_id):
    article = get_object_or_404(
        Article.objects.published().only("slug"), source_id__endswith=f".post-{post_id}"
    )
    return _feed(request, "comments:article-feed", "comments:article-feed-atom", slug=article.slug)


def _public_topic(name: str) -> Topic:
    return get_object_or_404(Topic.objects.public(), name=name)


def label_feed(request, label):
    return _feed(
        request, "articles:topic-feed", "articles:topic-feed-atom", slug=_public_topic(label).slug
    )


def label_page(request, label):
    return HttpResponsePermanentRedirect(_public_topic(label).get_absolute_url())
