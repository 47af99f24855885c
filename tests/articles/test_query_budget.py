"""Pages cost a fixed number of SQL queries however many essays, authors or topics they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article, make_author, make_section, make_topic
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def add_essays(n):
    section, topics = make_section(), [make_topic(), make_topic()]
    for _ in range(n):
        make_article(section=section, topics=topics, authors=[make_author(), make_author()])
    return section, topics


def test_list_pages_query_count_does_not_grow_with_items(client, django_assert_max_num_queries):
    section, topics = add_essays(2)
    urls = [reverse("articles:home"), section.get_absolute_url(), topics[0].get_absolute_url()]
    small = {url: count_queries(client, url) for url in urls}
    add_essays(8)
    make_article(section=section, topics=topics, authors=[make_author() for _ in range(4)])
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            client.get(url)
        assert small[url] <= 5, url


def test_article_page_query_count_is_fixed(client, django_assert_max_num_queries):
    topics = [make_topic() for _ in range(6)]
    few = make_article(topics=topics[:1])
    baseline = count_queries(client, few.get_absolute_url())
    for _ in range(10):
        make_article(topics=topics)
    many = make_article(topics=topics, authors=[make_author() for _ in range(5)])
    with django_assert_max_num_queries(baseline):
        client.get(many.get_absolute_url())
    # Incl. the footer's pages and the next timed change (core/edge/pages.py: then remembered
    # for 5 s per process, or in Redis with the page cache).
    assert baseline <= 9


def test_neighbours_related_essays_and_a_featured_image_cost_no_extra_query(client):
    from articles.models import Image

    topic = make_topic()
    alone = make_article(topics=[topic])
    client.get(alone.get_absolute_url())  # the next timed change is read once, then remembered
    baseline = count_queries(client, alone.get_absolute_url())
    picture = Image.objects.create(file="images/p.jpg", width=1200, height=800, alt_text="P")
    middle = make_article(topics=[topic], featured_image=picture)  # an hour older
    make_article(topics=[topic])  # older still
    response = client.get(middle.get_absolute_url())
    assert response.context["previous_article"] and response.context["next_article"]
    assert len(response.context["related_articles"]) == 2 and 'alt="P"' in response.text
    assert count_queries(client, middle.get_absolute_url()) == baseline


def test_without_a_page_store_the_next_timed_change_is_read_once_for_a_few_seconds(
    client, settings
):
    settings.EDGE_MAX_AGE = 600
    url = make_article().get_absolute_url()
    first = count_queries(client, url)
    assert count_queries(client, url) == first - 1  # remembered in the process (5 s)
    assert "s-maxage=600" in client.get(url)["Cache-Control"]  # and still nothing due


def test_feed_and_sitemap_query_count_is_fixed(client, django_assert_max_num_queries):
    add_essays(2)
    feed, sitemap = reverse("articles:feed"), reverse("sitemap")
    counts = {url: count_queries(client, url) for url in (feed, sitemap)}
    add_essays(10)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            client.get(url)


def test_list_pages_never_count_the_whole_archive(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    section, topics = add_essays(5)
    for url in [reverse("articles:home"), section.get_absolute_url(), topics[0].get_absolute_url()]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page": 2})
        assert 'rel="next"' in response.text and 'rel="prev"' in response.text
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries), url
    last = client.get(reverse("articles:home"), {"page": 3})
    assert 'rel="next"' not in last.text
    assert client.get(reverse("articles:home"), {"page": 4}).status_code == 404


def test_other_public_pages_cost_fixed_queries(client, django_assert_max_num_queries):
    from comments.models import Comment

    author = make_author()
    section, topics = make_section(), [make_topic()]

    def add(n):
        for _ in range(n):
            article = make_article(section=section, topics=topics, authors=[author, make_author()])
            Comment.objects.create(article=article, author_name="R", author_email="r@example.org",
                                   text="Hi", status="approved")  # fmt: skip

    add(2)
    first = make_article(authors=[author])
    when = first.published_at
    urls = [
        author.get_absolute_url(),
        reverse("articles:archive"),
        reverse("articles:month", kwargs={"year": f"{when:%Y}", "month": f"{when:%m}"}),
        reverse("articles:search") + "?q=Essay",
        reverse("comments:feed"),
        reverse("articles:author-feed", args=[author.slug]),
    ]
    baseline = {url: count_queries(client, url) for url in urls}
    add(12)
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            client.get(url)
