"""What search engines, feed readers and link previews see."""

import json
import re

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_author, make_comment, make_section, make_topic

pytestmark = pytest.mark.django_db


def jsonld(html: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_article_page_has_blogposting_and_breadcrumbs_as_json_ld(client):
    section = make_section("Carnegie Politika")
    authors = [make_author("Аня Ковалёва"), make_author("Zoë Marchetti")]
    article = make_article(
        "A </script><script>alert(1)</script> headline",
        section=section,
        authors=authors,
        topics=[make_topic("Energy")],
        standfirst="The standfirst.",
    )
    make_comment(article)
    make_comment(article, status="pending")
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html
    posting, breadcrumbs = jsonld(html)
    url = f"http://testserver{article.get_absolute_url()}"
    assert posting["@context"] == "https://schema.org" and posting["@type"] == "BlogPosting"
    assert posting["headline"] == article.title
    assert posting["description"] == "The standfirst."
    assert posting["url"] == posting["mainEntityOfPage"] == url
    assert posting["author"] == [
        {"@type": "Person", "name": a.name, "url": f"http://testserver{a.get_absolute_url()}"}
        for a in authors
    ]
    assert posting["datePublished"] == article.published_at.isoformat()
    assert posting["dateModified"] == article.published_at.isoformat()
    assert posting["image"] == [
        f"http://testserver{reverse('articles:social-image', args=[article.slug])}"
    ]
    assert posting["commentCount"] == 1
    assert posting["publisher"]["@type"] == "Organization"
    assert posting["publisher"]["name"] == "The Essay Review"
    assert posting["articleSection"] == "Carnegie Politika" and posting["keywords"] == ["Energy"]
    assert breadcrumbs["@type"] == "BreadcrumbList"
    names = [item["name"] for item in breadcrumbs["itemListElement"]]
    assert names == ["The Essay Review", "Carnegie Politika", article.title]
    assert [item["position"] for item in breadcrumbs["itemListElement"]] == [1, 2, 3]


def test_no_structured_data_for_a_draft_preview(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    html = editor_client.get(draft.get_absolute_url()).text
    assert "application/ld+json" not in html and 'property="og:' not in html


def test_title_description_canonical_and_social_tags(client):
    article = make_article(
        "Headline", seo_title="SEO headline", seo_description="An SEO description."
    )
    html = client.get(article.get_absolute_url()).text
    assert "<title>SEO headline · The Essay Review</title>" in html
    assert '<meta name="description" content="An SEO description.">' in html
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html

    plain = make_article("Plain", standfirst="Standfirst as description.")
    html = client.get(plain.get_absolute_url()).text
    assert '<meta name="description" content="Standfirst as description.">' in html


def test_list_pages_have_social_tags_and_search_is_noindex(client):
    topic = make_topic("Water")
    make_article(topics=[topic])  # a topic has a page once it has a published essay
    html = client.get(topic.get_absolute_url()).text
    assert '<meta property="og:title" content="Water · The Essay Review">' in html
    search = client.get(reverse("articles:search"), {"q": "x"}).text
    assert '<meta name="robots" content="noindex, follow">' in search


@pytest.fixture
def feeds_data():
    section, topic, author = make_section(), make_topic(), make_author()
    article = make_article(section=section, topics=[topic], authors=[author], body="Full *body*.")
    make_comment(article, text="A comment")
    return {"article": article, "section": section, "topic": topic, "author": author}


def every_feed(data):
    article = data["article"]
    urls = [reverse("articles:feed"), reverse("articles:feed-atom")]
    for kind in ("section", "topic", "author"):
        slug = data[kind].slug
        urls += [reverse(f"articles:{kind}-feed", args=[slug])]
        urls += [reverse(f"articles:{kind}-feed-atom", args=[slug])]
    urls += [reverse("comments:feed"), reverse("comments:feed-atom")]
    urls += [reverse("comments:article-feed", args=[article.slug])]
    urls += [reverse("comments:article-feed-atom", args=[article.slug])]
    return urls


def test_every_feed_parses_in_rss_and_atom_with_stable_guids(client, feeds_data):
    article = feeds_data["article"]
    for url in every_feed(feeds_data):
        response = client.get(url)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (url, parsed.get("bozo_exception"))
        assert parsed.version in ("rss20", "atom10"), url
        assert parsed.entries, url
        entry = parsed.entries[0]
        assert entry.id.startswith("tag:localhost,"), (url, entry.id)
        assert entry.get("published_parsed") or entry.get("updated_parsed")
    essay_entry = feedparser.parse(client.get(reverse("articles:feed")).content).entries[0]
    assert essay_entry.id == f"tag:localhost,{article.created_at:%Y}:essay/{article.pk}"
    article.slug = "a-new-slug"
    article.save()
    again = feedparser.parse(client.get(reverse("articles:feed")).content).entries[0]
    assert again.id == essay_entry.id and again.link.endswith("/essays/a-new-slug/")


def test_feeds_carry_the_summary_or_the_full_essay(client, feeds_data, settings):
    summary = feedparser.parse(client.get(reverse("articles:feed")).content).entries[0]
    assert summary.summary == feeds_data["article"].standfirst
    settings.FEED_FULL_CONTENT = True
    full = feedparser.parse(client.get(reverse("articles:feed-atom")).content).entries[0]
    assert "<em>body</em>" in full.summary


def test_feed_autodiscovery_links(client, feeds_data):
    article = feeds_data["article"]
    html = client.get(article.get_absolute_url()).text
    for name in ("comments:article-feed", "comments:article-feed-atom"):
        assert f'href="{reverse(name, args=[article.slug])}"' in html
    author = feeds_data["author"]
    html = client.get(author.get_absolute_url()).text
    atom = reverse("articles:author-feed-atom", args=[author.slug])
    assert f'type="application/atom+xml" title="{author.name} (Atom)" href="{atom}"' in html


def test_summary_feeds_escape_the_standfirst(client):
    make_article(standfirst="Why 3 < 4 & <em>emphasis</em> is text")
    for name in ("articles:feed", "articles:feed-atom"):
        entry = feedparser.parse(client.get(reverse(name)).content).entries[0]
        assert entry.summary == "Why 3 &lt; 4 &amp; &lt;em&gt;emphasis&lt;/em&gt; is text"


def test_every_atom_feed_has_its_own_id(client, feeds_data):
    ids = set()
    for url in every_feed(feeds_data):
        parsed = feedparser.parse(client.get(url).content)
        if parsed.version == "atom10":
            ids.add(parsed.feed.id)
    assert len(ids) == 6


def test_listing_sitemaps_have_lastmod_from_their_newest_essay(client):
    from datetime import timedelta

    from django.utils import timezone

    topic = make_topic()
    newest = make_article(topics=[topic], published_at=timezone.now() - timedelta(days=2))
    make_article(topics=[topic], published_at=timezone.now() - timedelta(days=9))
    xml = client.get(reverse("django.contrib.sitemaps.views.sitemap", args=["topics"])).text
    assert f"<lastmod>{newest.published_at.date().isoformat()}</lastmod>" in xml
    index = client.get(reverse("sitemap")).text
    assert "<lastmod>" in index


def test_sitemap_lastmod_of_a_scheduled_then_published_essay_is_its_publication(client):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article(published_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(pk=article.pk).update(modified_at=timezone.now() - timedelta(days=6))
    xml = client.get(reverse("django.contrib.sitemaps.views.sitemap", args=["essays"])).text
    assert f"<lastmod>{article.published_at.date().isoformat()}</lastmod>" in xml
