"""/search/: the same web-search syntax, stemming, accent folding, ranking and snippets on
PostgreSQL (tsvector) and SQLite (FTS5), and never a 500 or a draft."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.factories import make_article, make_author
from tests.shared_data import rolled_back_after_module

pytestmark = pytest.mark.django_db
SEARCH = reverse("articles:search")
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the GIN index and regconfig are PostgreSQL's"
)
# Unpublished essays that contain every word searched below.
EVERY_WORD = (
    "water waters porter heat runs détente detente public library harbour harbours cranes "
    "lanes tides lighthouse needle keepers quill"
)


def titles(response):
    assert response.status_code == 200
    return [a.title for a in response.context["articles"]]


def found(client, query):
    return titles(client.get(SEARCH, {"q": query}))


def snippets(client, query):
    return {a.title: str(a.snippet) for a in client.get(SEARCH, {"q": query}).context["articles"]}


@pytest.fixture(scope="module", autouse=True)
def stored_essays(django_db_setup, django_db_blocker):
    """Fourteen essays made once for the module (each test's changes are rolled back)."""
    with rolled_back_after_module(django_db_blocker):
        yield {title: article.pk for title, article in make_essays().items()}


@pytest.fixture
def essays(stored_essays, db) -> dict:
    """The module's essays, as fresh instances for this test."""
    found = Article.objects.in_bulk(stored_essays.values())
    return {title: found[pk] for title, pk in stored_essays.items()}


def make_essays():
    day = timezone.now() - timedelta(days=30)
    bodies = {
        "Water in the city": "Heat rises from the pavements and the water in the fountains is warm.",
        "Summer streets": "The heat runs through every street in August.",
        "The porter's day": "A porter carries the bags to the station.",
        "Rain gardens": "Rain gardens keep water on the land for longer.",
        "Cold war diplomacy": "The détente of the 1970s did not last.",
        "A thaw": "Detente was the word for it in the newspapers.",
        "Reading rooms": "The public library opened in 1901 with four rooms.",
        "Scattered words": "Every library in town was once public property.",
        "Harbours of the North Sea": "Shipping lanes and cranes.",
        "On cranes": "Lanes of cranes, and a word on the harbour near the end.",
        "Markup": "Type `<script>alert(1)</script>` into the needle box.",
        "Tide tables": "## Tides\n\nThe moon pulls the sea.",
    }
    made = {
        title: make_article(title, body=body, published_at=day + timedelta(hours=n))
        for n, (title, body) in enumerate(bodies.items())
    }
    made["draft"] = make_article(
        f"Draft {EVERY_WORD}", status=Article.Status.DRAFT, published_at=None, body=EVERY_WORD
    )
    made["scheduled"] = make_article(
        f"Scheduled {EVERY_WORD}",
        published_at=timezone.now() + timedelta(days=3),
        body=EVERY_WORD,
        standfirst=EVERY_WORD,
    )
    return made


@pytest.mark.parametrize(
    "query, expected",
    [
        ("waters", {"Water in the city", "Rain gardens"}),  # stemming
        ("running", {"Summer streets"}),
        ("detente", {"Cold war diplomacy", "A thaw"}),  # accents folded, both ways
        ("détente", {"Cold war diplomacy", "A thaw"}),
        ("DÉTENTE", {"Cold war diplomacy", "A thaw"}),
        ('"public library"', {"Reading rooms"}),  # a phrase, not both words apart
        ("public library", {"Reading rooms", "Scattered words"}),
        ('library -"public library"', {"Scattered words"}),
        ("heat -water", {"Summer streets"}),  # exclusion
        ("water or porter", {"Water in the city", "Rain gardens", "The porter's day"}),
        ("porter OR heat -water", {"The porter's day", "Summer streets"}),
        ("or water", {"Water in the city", "Rain gardens"}),
        ("-water", set()),  # only exclusions: nothing, not "every essay without the word"
        ('-"public library"', set()),
        ("*", set()),
        ("!!! & | <-> :* ()", set()),
    ],
)
def test_web_search_syntax_stemming_and_accents(client, essays, query, expected):
    assert set(found(client, query)) == expected


def test_results_are_ranked_headline_first(client, essays):
    # "On cranes" is newer, and mentions the harbour in its body only.
    assert found(client, "harbour") == ["Harbours of the North Sea", "On cranes"]
    assert found(client, "CRANES lanes") == ["On cranes", "Harbours of the North Sea"]


def test_drafts_and_scheduled_essays_are_never_results(client, essays):
    for query in EVERY_WORD.split() + ["draft", "scheduled", "water or porter", '"public library"']:
        response = client.get(SEARCH, {"q": query})
        assert not any(t.startswith(("Draft", "Scheduled")) for t in titles(response)), query
        assert "Draft" not in response.text and "Scheduled" not in response.text


def test_snippets_mark_whole_matched_words_including_stemmed_forms(client, essays):
    assert "<mark>water</mark>" in snippets(client, "waters")["Rain gardens"]
    assert "<mark>runs</mark>" in snippets(client, "running")["Summer streets"]
    assert "<mark>détente</mark>" in snippets(client, "detente")["Cold war diplomacy"]


def test_snippets_are_whole_words_with_ellipses_where_the_body_goes_on(client):
    before = " ".join(f"before{n}" for n in range(80))
    after = " ".join(f"after{n}" for n in range(80))
    make_article("Long", body=f"{before} the old lighthouse stood {after}")
    text = snippets(client, "lighthouse")["Long"]
    assert text.startswith("… ") and text.endswith(" …")
    assert "<mark>lighthouse</mark>" in text
    body_words = set(f"{before} the old lighthouse stood {after}".split())
    words = re.sub(r"</?mark>", "", text).strip("… ").split()
    assert 10 < len(words) <= 40 and set(words) <= body_words  # no word cut in half


def test_a_short_body_has_no_ellipsis(client, essays):
    assert snippets(client, "porter")["The porter's day"] == (
        "A <mark>porter</mark> carries the bags to the station."
    )


def test_headings_do_not_run_into_the_next_paragraph(client, essays):
    assert "Tides</mark> · The moon pulls the sea." in snippets(client, "tides")["Tide tables"]


def test_a_match_outside_the_body_shows_the_standfirst_not_the_bodys_opening(client):
    make_article(
        "Quiet streets", standfirst="Why the ferries stopped.", body="Nothing on boats here."
    )
    assert snippets(client, "ferries") == {"Quiet streets": "Why the ferries stopped."}


def test_snippets_never_render_essay_html(client, essays):
    make_article("Bold", body="Text <b>bold</b> &amp; <i>needle</i> here")
    text = snippets(client, "needle")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text["Markup"]
    assert "<script" not in text["Markup"] and "<mark>needle</mark>" in text["Markup"]
    assert "<b>" not in text["Bold"] and "<i>" not in text["Bold"]
    assert "<mark>needle</mark>" in text["Bold"] and "&amp;" in text["Bold"]
    assert "<script>" not in client.get(SEARCH, {"q": "needle"}).text


def test_author_names_and_standfirst_are_searched(client):
    author = make_author("Мирослава Дрозд")
    make_article("Untitled", authors=[author], standfirst="On aqueducts.")
    assert found(client, "Дрозд") == ["Untitled"]
    assert found(client, "aqueduct") == ["Untitled"]
    author.name = "Miroslava Drozd"
    author.save()
    assert found(client, "Drozd") == ["Untitled"]
    assert found(client, "Дрозд") == []


def test_edits_change_results_at_once(client, essays):
    essay = essays["Harbours of the North Sea"]
    essay.title = "Lighthouse keepers"
    essay.save()
    assert found(client, "keepers") == ["Lighthouse keepers"]
    assert found(client, "harbour") == ["On cranes"]
    essay.body = "Beacons over the quay."
    essay.save()
    assert found(client, "beacon") == ["Lighthouse keepers"]
    assert found(client, "cranes") == ["On cranes"]
    author = essay.bylines.get().author
    author.name = "Zebedee Quill"
    author.save()
    assert found(client, "quill") == ["Lighthouse keepers"]


def test_deleted_essays_leave_the_results(client, essays):
    essays["The porter's day"].delete()
    assert found(client, "porter") == []
    assert set(found(client, "water or porter")) == {"Water in the city", "Rain gardens"}


def test_a_removed_byline_is_no_longer_searched(client):
    author = make_author("Halvard Lindqvist")
    article = make_article("Plain title", authors=[author], body="nothing special")
    assert found(client, "Lindqvist") == ["Plain title"]
    article.bylines.all().delete()  # the byline removed in the admin
    assert found(client, "Lindqvist") == []


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
    assert found(client, "alpha") == ["Alpha"]
    assert found(client, "beta") == []


def test_imported_and_demo_essays_are_searchable(client):
    from django.core.management import call_command

    call_command("load_demo")
    assert found(client, "aqueduct")


def test_rebuilding_the_index_keeps_every_essay_findable(client, essays):
    from django.core.management import call_command

    call_command("rebuild_search_index", verbosity=0)
    assert set(found(client, "water or porter")) == {
        "Water in the city",
        "Rain gardens",
        "The porter's day",
    }


def test_image_codes_and_link_addresses_are_not_searched(client):
    make_article("Linked", body="See [the report](https://zzqq.example.org/x).\n\n[image:42]")
    assert found(client, "zzqq") == []
    assert found(client, "report") == ["Linked"]


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


def test_results_are_paginated_and_keep_the_query(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        make_article(f"Quay number {n}", body="quay")
    first = client.get(SEARCH, {"q": "quay"})
    assert len(first.context["articles"]) == 2 and "5 essays found" in first.text
    assert 'href="?q=quay&amp;page=2"' in first.text
    assert len(client.get(SEARCH, {"q": "quay", "page": 3}).context["articles"]) == 1


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(a b)",
        "NEAR(water porter, 2)",
        '"unbalanced',
        'water "unbalanced',
        "title:x",
        "title:water",
        "{title body}:water",
        "*",
        "water*",
        "^a",
        "a AND",
        "AND OR NOT",
        "water NOT",
        '""',
        '"" water',
        "x" * 1000,
        ("(*^%$#@!~`:;<>?,./\\|][{}+=_-\"'" * 8)[:200],
        "'; DROP TABLE articles_article; --",
        "1 OR 1=1",
        "%",
        "_",
        "100%_sure",
        "'''",
        "a\x00b",
        "water\x00porter",
        "!!! & | <-> :* ()",
        "-",
        "--water",
        "or",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_queries_get_a_normal_page(client, essays, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert not any(t.startswith(("Draft", "Scheduled")) for t in titles(response))


def test_lone_surrogates_and_bad_bytes_in_the_query_string(client, essays):
    for raw in ["q=%ED%A0%80", "q=%FF%FE", "q=%C0", "q=caf%E9", "page=%00&q=x"]:
        response = client.generic("GET", f"{SEARCH}?{raw}")
        assert response.status_code in (200, 400, 404), raw


def test_long_queries_are_cut_to_a_usable_length(client):
    response = client.get(SEARCH, {"q": "word " * 300})
    assert len(response.context["query"]) <= search.MAX_QUERY_LENGTH


@postgres_only
def test_full_text_queries_use_the_gin_index():
    make_article("Indexed")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM articles_article "
            "WHERE search_vector @@ phraseto_tsquery('essay_search', 'harbour')"
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
