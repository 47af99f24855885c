"""/search/: ranked full-text search on PostgreSQL, a simple match on SQLite, never a 500."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db
SEARCH = reverse("articles:search")
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="full-text ranking exists only on PostgreSQL"
)
sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the fallback is what SQLite uses"
)


def titles(response):
    return [a.title for a in response.context["articles"]]


@pytest.fixture
def essays():
    day = timezone.now() - timedelta(days=30)
    return {
        "title": make_article(
            "Harbours of the North Sea", body="Shipping lanes and cranes.", published_at=day
        ),
        "body": make_article(
            "On cranes",
            body="Lanes of cranes, and a word on harbours near the end.",
            published_at=day + timedelta(days=1),
        ),
        "other": make_article("Bus lanes", body="Painted lanes for buses.", published_at=day),
        "draft": make_article(
            "Harbour draft", status=Article.Status.DRAFT, published_at=None, body="harbour"
        ),
    }


def test_empty_query_shows_the_search_page(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "Search the essays" in response.text and response.context["query"] == ""
    assert '<meta name="robots" content="noindex, follow">' in response.text


def test_search_box_in_the_header_of_every_page(client):
    article = make_article()
    for url in [reverse("articles:home"), article.get_absolute_url(), reverse("articles:archive")]:
        html = client.get(url).text
        assert f'action="{SEARCH}"' in html and 'name="q"' in html


@postgres_only
def test_results_are_ranked_headline_first_with_highlighted_snippets(client, essays):
    response = client.get(SEARCH, {"q": "harbour"})
    assert titles(response) == ["Harbours of the North Sea", "On cranes"]  # stemmed, ranked
    snippets = [str(a.snippet) for a in response.context["articles"]]
    assert "<mark>harbours</mark>" in snippets[1]
    assert "Harbour draft" not in response.text


@postgres_only
def test_web_search_syntax(client, essays):
    assert titles(client.get(SEARCH, {"q": '"painted lanes"'})) == ["Bus lanes"]
    assert set(titles(client.get(SEARCH, {"q": "lanes -buses"}))) == {
        "Harbours of the North Sea",
        "On cranes",
    }
    assert set(titles(client.get(SEARCH, {"q": "buses or harbour"}))) == {
        "Bus lanes",
        "Harbours of the North Sea",
        "On cranes",
    }


@postgres_only
def test_author_names_and_standfirst_are_searched(client):
    author = make_author("Мирослава Дрозд")
    make_article("Untitled", authors=[author], standfirst="On aqueducts.")
    assert titles(client.get(SEARCH, {"q": "Дрозд"})) == ["Untitled"]
    assert titles(client.get(SEARCH, {"q": "aqueduct"})) == ["Untitled"]
    author.name = "Miroslava Drozd"
    author.save()
    assert titles(client.get(SEARCH, {"q": "Drozd"})) == ["Untitled"]


@postgres_only
def test_search_uses_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_gin'")
        assert "gin (search_vector)" in cursor.fetchone()[0]


@sqlite_only
def test_sqlite_fallback_matches_every_word_case_insensitively(client, essays):
    response = client.get(SEARCH, {"q": "CRANES lanes"})
    assert titles(response) == ["On cranes", "Harbours of the North Sea"]  # newest first
    assert "<mark>cranes</mark>" in str(response.context["articles"][0].snippet).lower()
    assert titles(client.get(SEARCH, {"q": "harbour"})) == [
        "On cranes",
        "Harbours of the North Sea",
    ]


def test_fallback_query_works_on_every_database(essays):
    found = search._fallback(Article.objects.published(), "buses")
    assert [a.title for a in found] == ["Bus lanes"]


def test_results_are_paginated_and_keep_the_query(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        make_article(f"Quay number {n}", body="quay")
    first = client.get(SEARCH, {"q": "quay"})
    assert len(first.context["articles"]) == 2
    assert 'href="?q=quay&amp;page=2"' in first.text
    assert len(client.get(SEARCH, {"q": "quay", "page": 3}).context["articles"]) == 1


def test_snippets_never_render_essay_html(client):
    make_article("Markup", body="Text <b>bold</b> &amp; <i>needle</i> here")
    response = client.get(SEARCH, {"q": "needle"})
    snippet = str(response.context["articles"][0].snippet)
    assert "<b>" not in snippet and "<i>" not in snippet
    assert "needle</mark>" in snippet and "&amp;" in snippet


@pytest.mark.parametrize(
    "query",
    [
        "x" * 1000,
        "'; DROP TABLE articles_article; --",
        "1 OR 1=1",
        "%",
        "_",
        "100%_sure",
        '"unbalanced',
        "'''",
        "a\x00b",
        "!!! & | <-> :* ()",
        "-",
        "or",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_get_a_normal_page(client, essays, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_lone_surrogates_and_bad_bytes_in_the_query_string(client, essays):
    for raw in ["q=%ED%A0%80", "q=%FF%FE", "q=%C0", "q=caf%E9", "page=%00&q=x"]:
        response = client.generic("GET", f"{SEARCH}?{raw}")
        assert response.status_code in (200, 400, 404), raw


def test_long_queries_are_cut_to_a_usable_length(client):
    response = client.get(SEARCH, {"q": "word " * 300})
    assert len(response.context["query"]) <= search.MAX_QUERY_LENGTH


@postgres_only
def test_search_vector_follows_every_write_path(client):
    author = make_author("Halvard Lindqvist")
    article = make_article("Plain title", authors=[author], body="nothing special")
    assert titles(client.get(SEARCH, {"q": "Lindqvist"})) == ["Plain title"]
    article.bylines.all().delete()  # the byline removed in the admin
    assert titles(client.get(SEARCH, {"q": "Lindqvist"})) == []


@postgres_only
def test_restoring_a_revision_outside_the_admin_restores_what_is_searched(client):
    import reversion
    from reversion.models import Version

    article = make_article("Alpha")
    with reversion.create_revision():
        article.save()
    article.title = "Beta"
    with reversion.create_revision():
        article.save()
    Version.objects.get_for_object(article).last().revert()  # back to "Alpha" (a raw save)
    assert titles(client.get(SEARCH, {"q": "alpha"})) == ["Alpha"]
    assert titles(client.get(SEARCH, {"q": "beta"})) == []


@postgres_only
def test_imported_and_demo_essays_are_searchable(client):
    from django.core.management import call_command

    call_command("load_demo")
    assert titles(client.get(SEARCH, {"q": "aqueduct"}))


@postgres_only
def test_image_codes_and_link_addresses_are_not_searched(client):
    make_article("Linked", body="See [the report](https://zzqq.example.org/x).\n\n[image:42]")
    assert titles(client.get(SEARCH, {"q": "zzqq"})) == []
    assert titles(client.get(SEARCH, {"q": "report"})) == ["Linked"]


@postgres_only
def test_full_text_queries_use_the_gin_index():
    make_article("Indexed")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM articles_article "
            "WHERE search_vector @@ websearch_to_tsquery('english', 'harbour')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "article_search_gin" in plan


@postgres_only
def test_a_misspelt_search_config_is_reported_by_the_system_check(settings):
    from articles.checks import search_config_exists

    assert search_config_exists(None, databases=["default"]) == []
    settings.SEARCH_CONFIG = "englsh"
    errors = search_config_exists(None, databases=["default"])
    assert [e.id for e in errors] == ["articles.E001"]
