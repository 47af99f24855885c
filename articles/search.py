"""Essay search: PostgreSQL full-text search, with a simple match as SQLite's fallback.

On PostgreSQL each essay keeps a weighted `search_vector` (headline A, standfirst and authors B,
body C) in a GIN index; queries use web-search syntax ("a phrase", -word, or) and are ranked,
with a highlighted snippet. SQLite, the development default, matches every word
case-insensitively in the same fields and cuts its own snippet: same page, same template.
"""

import html
import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
# Snippet markers that cannot occur in essay text; replaced by <mark> after escaping.
START, STOP = "\x02", "\x03"
SNIPPET_CHARS = 240


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def clean_query(raw: str) -> str:
    """What we search for: printable text only, whitespace collapsed, at most 200 characters."""
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" and ch != "\ufffd" else " " for ch in raw
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def plain_body():
    """The rendered body as text, in SQL: tags and `[image:ID]` lines removed."""
    return Func(
        F("body_html"),
        Value(r"<[^>]+>|\[image:[0-9]+\]"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def refresh_search_vectors(article_ids) -> None:
    """Recompute the stored search vector of these essays (PostgreSQL only; one UPDATE)."""
    if not is_postgres():
        return
    from .models import Article, ArticleAuthor

    config = settings.SEARCH_CONFIG
    authors = (
        ArticleAuthor.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(names=StringAgg("author__name", " "))
        .values("names")
    )
    Article.objects.filter(pk__in=article_ids).update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector(
            Coalesce(Subquery(authors), Value(""), output_field=TextField()),
            weight="B",
            config=config,
        )
        + SearchVector(plain_body(), weight="C", config=config)
    )


def search(articles, query: str):
    """The matching essays, best first, each with a `snippet` (safe HTML) once evaluated."""
    if is_postgres():
        return _postgres(articles, query)
    return _fallback(articles, query)


def _postgres(articles, query):
    config = settings.SEARCH_CONFIG
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        articles.filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            headline=SearchHeadline(
                plain_body(),
                search_query,
                config=config,
                start_sel=START,
                stop_sel=STOP,
                max_words=40,
                min_words=20,
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def _terms(query: str) -> list[str]:
    """The words the fallback looks for: no exclusions, no quotes, at most eight."""
    words = [t for t in query.replace('"', " ").split() if not t.startswith("-")]
    return list(dict.fromkeys(words))[:8]


def _fallback(articles, query):
    from .models import ArticleAuthor

    terms = _terms(query)
    for term in terms:
        by_author = ArticleAuthor.objects.filter(
            article=OuterRef("pk"), author__name__icontains=term
        )
        articles = articles.filter(
            Q(title__icontains=term)
            | Q(standfirst__icontains=term)
            | Q(body__icontains=term)
            | Exists(by_author)
        )
    return articles.order_by("-published_at", "-id") if terms else articles.none()


def snippet(article, query: str) -> str:
    """Safe HTML: the matching passage, escaped, with the matches wrapped in <mark>."""
    raw = getattr(article, "headline", None)
    if raw is None:
        raw = _fallback_headline(article, query)
    text = escape(html.unescape(raw))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def _fallback_headline(article, query: str) -> str:
    body = re.sub(r"<[^>]+>", " ", article.body_html)
    body = " ".join(html.unescape(body).split())
    terms = _terms(query)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    match = pattern.search(body) if pattern else None
    start = max(0, match.start() - SNIPPET_CHARS // 3) if match else 0
    passage = body[start : start + SNIPPET_CHARS]
    if pattern:
        passage = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", passage)
    return ("… " if start else "") + passage + (" …" if start + SNIPPET_CHARS < len(body) else "")
