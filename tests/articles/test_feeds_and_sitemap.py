from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def essays():
    section, topic = make_section("Politika"), make_topic("Energy")
    author = make_author("Аня Ковалёва")
    published = [
        make_article(f"Essay “{i}” — published", section=section, topics=[topic], authors=[author])
        for i in range(3)
    ]
    make_article("Draft", status=Article.Status.DRAFT, published_at=None, section=section)
    make_article("Scheduled", published_at=timezone.now() + timedelta(days=1), section=section)
    return {"published": published, "section": section, "topic": topic, "author": author}


def feed_urls(essays):
    return [
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:section-feed", args=[essays["section"].slug]),
        reverse("articles:topic-feed", args=[essays["topic"].slug]),
        reverse("articles:author-feed", args=[essays["author"].slug]),
    ]


def test_every_feed_parses_cleanly_and_lists_only_published_essays(client, essays):
    expected = {f"http://testserver{a.get_absolute_url()}" for a in essays["published"]}
    for url in feed_urls(essays):
        response = client.get(url)
        assert response.status_code == 200, url
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert {entry.link for entry in parsed.entries} == expected, url
        entry = parsed.entries[0]
        assert entry.title == "Essay “0” — published"  # the newest
        assert entry.author == "Аня Ковалёва"
        assert [tag.term for tag in entry.tags] == ["Energy"]
        assert entry.published_parsed is not None


def test_feeds_are_discoverable(client, essays):
    text = client.get(reverse("articles:home")).text
    rss = reverse("articles:feed")
    assert f'type="application/rss+xml" title="The Essay Review (RSS)" href="{rss}"' in text
    assert 'type="application/atom+xml"' in text
    topic_page = client.get(essays["topic"].get_absolute_url()).text
    assert reverse("articles:topic-feed", args=[essays["topic"].slug]) in topic_page


def test_unknown_feed_owner_is_404(client):
    assert client.get(reverse("articles:topic-feed", args=["nope"])).status_code == 404


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    """Follow the sitemap index to every sitemap; returns {url: lastmod or None}."""
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200
    entries = {}
    for location in ElementTree.fromstring(index.content).findall("s:sitemap/s:loc", NS):
        response = client.get(location.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        for url in ElementTree.fromstring(response.content).findall("s:url", NS):
            entries[url.findtext("s:loc", namespaces=NS)] = url.findtext("s:lastmod", namespaces=NS)
    return entries


def test_sitemap_lists_exactly_the_published_essays(client, essays):
    entries = sitemap_entries(client)
    essay_urls = {url for url in entries if "/essays/" in url}
    assert essay_urls == {f"http://testserver{a.get_absolute_url()}" for a in essays["published"]}
    assert all(entries[url] for url in essay_urls)  # every essay has a lastmod
    assert f"http://testserver{essays['section'].get_absolute_url()}" in entries


def test_sitemap_is_split_into_sections_and_pages(client, essays, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    index = client.get(reverse("sitemap")).text
    assert "sitemap-essays.xml</loc>" in index and "sitemap-essays.xml?p=2</loc>" in index
    assert "sitemap-topics.xml</loc>" in index


def test_sitemap_leaves_out_authors_with_no_published_essay(client):
    hidden = make_author("Only drafts")
    make_article(status=Article.Status.DRAFT, published_at=None, authors=[hidden])
    assert not any(hidden.get_absolute_url() in url for url in sitemap_entries(client))
