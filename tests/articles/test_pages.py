"""What a reader sees on each public page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Page
from tests.factories import make_article, make_author, make_section, make_topic

pytestmark = pytest.mark.django_db


def test_home_lists_newest_essays_first_with_their_details(client):
    section = make_section("Carnegie Politika")
    author = make_author("Inés Carvalho")
    older = make_article("The older piece", section=section, authors=[author])
    newer = make_article(
        "The newer piece", published_at=timezone.now() - timedelta(minutes=1), section=section
    )
    response = client.get(reverse("articles:home"))
    text = response.text
    assert response.status_code == 200
    assert text.index(newer.title) < text.index(older.title)
    assert "Carnegie Politika" in text
    assert older.standfirst in text
    assert 'href="/authors/' in text and "Inés Carvalho" in text
    assert "1 min read" in text
    assert "No comments" in text
    assert f'datetime="{older.published_at.isoformat(timespec="seconds")}"' in text


def test_home_is_paginated(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for _ in range(5):
        make_article()
    first = client.get(reverse("articles:home"))
    assert len(first.context["articles"]) == 2
    assert 'rel="next" href="?page=2"' in first.text
    last = client.get(reverse("articles:home"), {"page": 3})
    assert len(last.context["articles"]) == 1
    assert '<link rel="canonical" href="http://testserver/?page=3">' in last.text


def test_article_page_shows_the_whole_essay(client):
    section = make_section("Dispatches")
    first, second = make_author("Аня Ковалёва"), make_author("Zoë Marchetti")
    topic = make_topic("Energy")
    article = make_article(
        "Why the grid “won’t” wait — a Ноябрь essay",
        section=section,
        authors=[first, second],
        topics=[topic],
        standfirst="A standfirst with curly “quotes” — and an em-dash.",
        body="## A heading\n\nPlain paragraph with *emphasis*.\n\n" + "word " * 460,
        updated_at=timezone.now(),
    )
    response = client.get(article.get_absolute_url())
    text = response.text
    assert response.status_code == 200
    assert text.index("Dispatches") < text.index("<h1")
    assert "Why the grid “won’t” wait — a Ноябрь essay</h1>" in text
    assert "A standfirst with curly “quotes” — and an em-dash." in text
    byline = f'By <a href="{first.get_absolute_url()}">Аня Ковалёва</a> and '
    assert byline + f'<a href="{second.get_absolute_url()}">Zoë Marchetti</a>' in text
    assert "<h2>A heading</h2>" in text and "<em>emphasis</em>" in text
    assert "Updated" in text
    assert "3 min read" in text  # 466 words at 230 words a minute, rounded up
    assert f'href="{topic.get_absolute_url()}"' in text
    assert 'id="comments"' in text and "No comments" in text
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in text


def test_updated_date_hidden_when_not_later_than_publication(client):
    article = make_article(updated_at=None)
    assert "Updated" not in client.get(article.get_absolute_url()).text


def test_previous_next_and_related_essays(client):
    energy, water, cities = make_topic(), make_topic(), make_topic()
    base = timezone.now() - timedelta(days=10)
    oldest = make_article("Oldest", published_at=base, topics=[cities])
    current = make_article("Current", published_at=base + timedelta(days=1), topics=[energy, water])
    newest = make_article("Newest", published_at=base + timedelta(days=2), topics=[energy])
    both = make_article(
        "Shares both", published_at=base - timedelta(days=1), topics=[energy, water]
    )
    make_article("Shares one", published_at=base - timedelta(days=2), topics=[water])
    make_article("Shares one, newer", published_at=base - timedelta(hours=1), topics=[water])
    make_article("Unrelated", published_at=base - timedelta(days=3), topics=[cities])

    response = client.get(current.get_absolute_url())
    assert response.context["previous_article"] == oldest
    assert response.context["next_article"] == newest
    related = [a.title for a in response.context["related_articles"]]
    assert related == ["Shares both", "Newest", "Shares one, newer"]
    assert both.title in response.text and "Unrelated" not in response.text.split("Related")[-1]


def test_the_next_essay_is_the_next_by_publication_time_not_by_creation(client):
    base = timezone.now() - timedelta(days=10)
    first = make_article("First", published_at=base)
    make_article("Third", published_at=base + timedelta(days=2))
    second = make_article("Second", published_at=base + timedelta(days=1))  # added last
    assert client.get(first.get_absolute_url()).context["next_article"] == second


def test_related_essays_are_chosen_among_the_newest_sixty_in_their_topics(client):
    energy, water = make_topic(), make_topic()
    base = timezone.now() - timedelta(days=100)
    current = make_article("Current", published_at=base, topics=[energy, water])
    make_article("Old, shares both", published_at=base - timedelta(days=1), topics=[energy, water])
    section = make_section()
    for n in range(60):
        when = base + timedelta(hours=n + 1)
        make_article(f"Newer {n}", published_at=when, topics=[water], section=section, authors=[])
    related = [a.title for a in client.get(current.get_absolute_url()).context["related_articles"]]
    assert related == ["Newer 59", "Newer 58", "Newer 57"]  # its cost stays small


def test_related_essays_published_at_the_same_moment_are_listed_by_id(client):
    topic, moment = make_topic(), timezone.now() - timedelta(days=1)
    current = make_article("Current", topics=[topic])
    first, second = (make_article(published_at=moment, topics=[topic]) for _ in range(2))
    related = client.get(current.get_absolute_url()).context["related_articles"]
    assert related == [second, first]  # newest first, ties broken by id as in the lists


def test_an_html_essay_and_page_keep_their_markup_as_written(client):
    html = "Two *stars* stay, as the <strong>post</strong> had them."  # not Markdown
    article = make_article(body=html, body_format="html")
    page = Page.objects.create(
        title="About", slug="about", body=html, body_format="html", status="published"
    )
    for url in (article.get_absolute_url(), page.get_absolute_url()):
        text = client.get(url).text
        assert "Two *stars* stay, as the <strong>post</strong> had them." in text, url


def test_comments_closed_notice(client):
    article = make_article(allow_comments=False)
    assert "Comments are closed." in client.get(article.get_absolute_url()).text


def test_body_markdown_is_sanitised(client):
    article = make_article(
        body='Hi <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">link</a>\n\n'
        "# Not a second h1\n\n<img src=x onerror=alert(3)>"
    )
    text = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)" not in text
    assert "javascript:" not in text and "onclick" not in text and "onerror" not in text
    assert text.count("<h1") == 1


@pytest.mark.parametrize("kind", ["section", "topic", "author"])
def test_section_topic_and_author_pages_list_their_essays(client, kind):
    owner = {"section": make_section, "topic": make_topic, "author": make_author}[kind]()
    link = {"section": {"section": owner}, "topic": {"topics": [owner]}}.get(
        kind, {"authors": [owner]}
    )
    mine = make_article("Mine", **link)
    make_article("Someone else’s")
    response = client.get(owner.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["articles"]) == [mine]
    assert f'<h1 class="page-title">{owner.name}</h1>' in response.text
    assert reverse(f"articles:{kind}-feed", args=[owner.slug]) in response.text


def test_archive_counts_per_year_and_month_and_month_page(client):
    make_article("March one", published_at=datetime(2025, 3, 5, 12, tzinfo=UTC))
    make_article("March two", published_at=datetime(2025, 3, 20, 12, tzinfo=UTC))
    make_article("January", published_at=datetime(2024, 1, 9, 12, tzinfo=UTC))
    response = client.get(reverse("articles:archive"))
    years = response.context["years"]
    assert [(y["year"], y["count"]) for y in years] == [(2025, 2), (2024, 1)]
    assert [m["count"] for m in years[0]["months"]] == [2]
    month_url = reverse("articles:month", kwargs={"year": "2025", "month": "03"})
    assert f'href="{month_url}"' in response.text

    month = client.get(month_url)
    assert month.status_code == 200
    assert [a.title for a in month.context["articles"]] == ["March two", "March one"]
    assert "Essays from March 2025" in month.text
    assert reverse("articles:month", kwargs={"year": "2024", "month": "01"}) in month.text


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get(reverse("robots"))
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


def test_custom_404_page(client):
    response = client.get("/essays/no-such-essay/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "<h1" in response.text


def test_custom_500_page(client, monkeypatch):
    from articles.views import HomeView

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeView, "get", explode)
    client.raise_request_exception = False
    response = client.get(reverse("articles:home"))
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "boom" not in response.text


def test_previous_next_walk_through_essays_published_at_the_same_moment(client):
    moment = timezone.now() - timedelta(hours=1)
    first, second, third = (make_article(published_at=moment) for _ in range(3))
    seen, article = [], third
    while article is not None:
        seen.append(article)
        article = client.get(article.get_absolute_url()).context.get("previous_article")
    assert seen == [third, second, first]
    assert client.get(first.get_absolute_url()).context["next_article"] == second
