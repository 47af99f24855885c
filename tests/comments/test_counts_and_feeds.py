"""Approved-only counts everywhere, at a fixed query cost, and the comment feeds."""

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_comment, make_section, make_topic
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "approved, label", [(0, "No comments"), (1, "1 comment"), (3, "3 comments")]
)
def test_counts_are_of_approved_comments_with_the_right_plural(client, approved, label):
    topic = make_topic()
    article = make_article(topics=[topic])
    for _ in range(approved):
        make_comment(article)
    make_comment(article, status="pending")
    make_comment(article, status="spam")
    make_comment(article, status="removed")
    for url in [reverse("articles:home"), topic.get_absolute_url(), article.get_absolute_url()]:
        text = client.get(url).text
        assert f">{label}<" in text, url


def test_article_page_with_hundreds_of_threaded_comments_costs_fixed_queries(
    client, django_assert_max_num_queries
):
    article = make_article()
    make_comment(article)
    baseline = count_queries(client, article.get_absolute_url())
    parents = []
    for n in range(500):
        parent = parents[n % min(len(parents), 20)] if n % 3 and parents else None
        parents.append(make_comment(article, parent=parent))
    with django_assert_max_num_queries(baseline):
        response = client.get(article.get_absolute_url())
    assert "501 comments" in response.text


def test_list_pages_with_many_commented_essays_cost_fixed_queries(
    client, django_assert_max_num_queries
):
    section = make_section()
    make_comment(make_article(section=section))
    urls = [reverse("articles:home"), section.get_absolute_url()]
    baseline = {url: count_queries(client, url) for url in urls}
    for _ in range(8):
        article = make_article(section=section)
        for _ in range(3):
            make_comment(article)
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            client.get(url)


def test_comment_feeds_list_only_approved_comments_of_public_essays(client):
    article = make_article("Public essay")
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    make_comment(article, author_name="Ada", text="Approved words")
    make_comment(article, text="Pending words", status="pending")
    make_comment(draft, text="Words on a draft")
    for url in [reverse("comments:feed"), reverse("comments:article-feed", args=[article.slug])]:
        response = client.get(url)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, url
        assert [e.title for e in parsed.entries] == ["Ada on “Public essay”"]
        assert "Approved words" in parsed.entries[0].summary
        assert parsed.entries[0].link.endswith(
            f"{article.get_absolute_url()}#c{article.comments.first().pk}"
        )
    assert client.get(reverse("comments:article-feed", args=[draft.slug])).status_code == 404
