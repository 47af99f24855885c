"""Addresses of an imported Blogger blog or WordPress site, answering 301 to their new homes.

Readers, search engines and feed readers keep old links for years. Blogger's: posts
(/2019/03/slug.html), pages (/p/about.html), feeds (/feeds/posts/default, per-label and
per-post comment feeds) and label pages (/search/label/Name). WordPress's: whatever its
permalink structure made (/2019/03/14/slug/, /slug/), /?p=42 and /?page_id=7, /category/x/,
/tag/x/, /author/login/, and /feed/ after any of them. Each import stores the addresses it
knows as LegacyRedirect rows. Only public targets redirect; anything else is a 404, so an old
address never reveals a draft or an author whose essays are all embargoed.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse

from .models import Article, Author, LegacyRedirect, Page, Section, Topic

# WordPress's feed of anything: …/feed/, …/feed/rss2/, …/feed/atom/ (and rss, rdf).
WORDPRESS_FEED = re.compile(r"(?:^|/)feed/(?:(rss2|rss|rdf|atom)/)?$")
# ?p=42 and the like on the home page: what they name, as the importer stored the address.
WORDPRESS_QUERIES = {"p": "/?p={}", "page_id": "/?page_id={}", "tag": "/tag/{}/"}
FEEDS = {  # target → (RSS, Atom) URL names; a page has no feed, its feed leads to it
    "article": ("comments:article-feed", "comments:article-feed-atom"),
    "section": ("articles:section-feed", "articles:section-feed-atom"),
    "topic": ("articles:topic-feed", "articles:topic-feed-atom"),
    "author": ("articles:author-feed", "articles:author-feed-atom"),
}


def public_redirects():
    public = (
        Q(article__in=Article.objects.published())
        | Q(page__in=Page.objects.published())
        | Q(section__in=Section.objects.public())
        | Q(topic__in=Topic.objects.public())
        | Q(author__in=Author.objects.public())
    )
    return LegacyRedirect.objects.select_related(*LegacyRedirect.TARGETS).filter(public)


def public_redirect(*old_paths: str) -> LegacyRedirect | None:
    """The redirect stored for any of these old addresses, if what it leads to is public.

    Most addresses asked for have none (scanners, typos): one indexed look-up answers those,
    and only an address that has a redirect pays for the visibility check (5 subqueries).
    """
    if "\x00" in "".join(old_paths):  # no address holds one (PostgreSQL refuses them in a query)
        return None
    if not LegacyRedirect.objects.filter(old_path__in=old_paths).exists():
        return None
    return public_redirects().filter(old_path__in=old_paths).first()


def old_address(request, old_path):
    if (redirect := public_redirect(f"/{old_path}")) is None:
        raise Http404("No such page")
    return HttpResponsePermanentRedirect(redirect.target.get_absolute_url())


def wordpress_address(request, old_path):
    """Any address nothing else answers (the URLconf's last pattern): an old WordPress one?

    Matching every path here also means Django's APPEND_SLASH no longer sees an unknown one,
    so it is done here too: /archive still leads to /archive/.
    """
    if "\x00" in old_path:  # no address holds one (and PostgreSQL refuses them in a query)
        raise Http404("No such page")
    path, feed = re.sub("/+", "/", f"/{old_path}"), None
    if match := WORDPRESS_FEED.search(path.rstrip("/") + "/"):
        path, feed = path[: match.start() + 1], match.group(1) or "rss2"
        if path == "/":
            return _feed(request, "articles:feed", "articles:feed-atom", atom=feed == "atom")
        if path == "/comments/":
            return _feed(request, "comments:feed", "comments:feed-atom", atom=feed == "atom")
    with_slash = path.rstrip("/") + "/"
    if (redirect := public_redirect(path, with_slash)) is not None:
        return _to(redirect, feed)
    if (
        settings.APPEND_SLASH
        and not path.endswith("/")
        and _answered_elsewhere(f"{request.path_info}/")
    ):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    raise Http404("No such page")


def _answered_elsewhere(path: str) -> bool:
    try:
        return resolve(path).url_name != "wordpress-address"
    except Resolver404:
        return False


def wordpress_queries(home):
    """The home page, unless the query names an old WordPress post, page, term or feed."""

    def view(request, *args, **kwargs):
        named = next((name for name in WORDPRESS_QUERIES if name in request.GET), None)
        if named:
            redirect = public_redirect(WORDPRESS_QUERIES[named].format(request.GET[named]))
            if redirect is None:
                raise Http404("No such page")
            return _to(redirect, request.GET.get("feed"))
        if request.GET.get("s"):
            query = urlencode({"q": request.GET["s"]})
            return HttpResponsePermanentRedirect(f"{reverse('articles:search')}?{query}")
        if feed := request.GET.get("feed"):
            if feed.startswith("comments"):
                return _feed(request, "comments:feed", "comments:feed-atom", atom="atom" in feed)
            return _feed(request, "articles:feed", "articles:feed-atom", atom=feed == "atom")
        return home(request, *args, **kwargs)

    return view


def _to(redirect: LegacyRedirect, feed: str | None):
    target = redirect.target
    kind = next(name for name in LegacyRedirect.TARGETS if getattr(redirect, f"{name}_id"))
    if feed and kind in FEEDS:
        rss, atom = FEEDS[kind]
        return HttpResponsePermanentRedirect(
            reverse(atom if feed == "atom" else rss, kwargs={"slug": target.slug})
        )
    return HttpResponsePermanentRedirect(target.get_absolute_url())


def _feed(request, rss_name: str, atom_name: str, *, atom: bool | None = None, **kwargs):
    """Blogger's feeds are Atom unless ?alt=rss asks for RSS; WordPress's say (`atom`)."""
    if atom is None:
        atom = request.GET.get("alt") != "rss"
    return HttpResponsePermanentRedirect(reverse(atom_name if atom else rss_name, kwargs=kwargs))


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
