"""Essay search: PostgreSQL full-text search, SQLite's FTS5 on the embedded default.

Both backends take the same web-search syntax (plain words all required, "a phrase", -word,
`or` between alternatives), parsed once here, stem English words, fold accents (detente finds
détente), rank headline matches above standfirst/author matches above body matches, and return
a snippet of whole words with the matches marked.

- PostgreSQL: each essay keeps a weighted `search_vector` (headline A, standfirst and authors
  B, body C) in a GIN index, built with the text search configuration CONFIG.
- SQLite: the FTS5 table `articles_search` (rowid = essay id; made by migration 0016) holds the
  same four fields as text, tokenised "porter unicode61 remove_diacritics 2" and ranked by
  bm25() with the same weights.

Either index is only a ranked lookup of ids: what readers may see is always the queryset passed
in (`Article.objects.published()`), so a draft in the index is never a result.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 32  # words and phrases per query; 200 characters of "a b c …" stay cheap
# Snippet markers that cannot occur in essay text (plain_text removes them); replaced by <mark>
# and "…" after escaping.
START, STOP, GAP = "\x02", "\x03", "\x04"
SNIPPET_WORDS = 32
# The PostgreSQL text search configuration searches use: a copy of settings.SEARCH_CONFIG (the
# stemming language) whose dictionaries first pass words through the `unaccent` extension.
# English alone keeps accents (détente and detente would be different words), and folding in
# the SQL expression instead (normalize + regexp) cannot fold ts_headline's marks. It is made by
# ensure_search_config() (migration 0016 and `manage.py rebuild_search_index`); where the
# database refuses CREATE EXTENSION it is a plain copy and only accent folding is lost.
CONFIG = "essay_search"
FTS_TABLE = "articles_search"
# bm25() column weights (headline, standfirst, authors, body): ts_rank's default weights for
# the A, B, B and C labels of the PostgreSQL vector.
FTS_WEIGHTS = "1.0, 0.4, 0.4, 0.2"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def clean_query(raw: str) -> str:
    """What we search for: printable text only, whitespace collapsed, at most 200 characters."""
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" and ch != "\ufffd" else " "
        for ch in unicodedata.normalize("NFC", raw)
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


# --- The query -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # a word or a phrase, as typed
    negated: bool = False


_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')


def parse_query(query: str) -> list[list[Term]]:
    """Alternatives (`or`), each a list of terms that must all hold, as websearch_to_tsquery.

    Terms without a letter or digit are dropped (they match nothing on either backend), and so
    is an alternative with no positive term: `-water` alone finds nothing, rather than every
    essay without the word (what PostgreSQL's own websearch_to_tsquery would do, by a full scan).
    """
    groups, terms, total = [], [], 0
    for match in _TOKEN.finditer(query):
        negated, phrase, word = match.group(1) == "-", match.group(2), match.group(3)
        if word is not None and not negated and word.lower() == "or":
            groups.append(terms)
            terms = []
            continue
        text = phrase if phrase is not None else word
        if any(ch.isalnum() for ch in text) and total < MAX_TERMS:
            terms.append(Term(text, negated))
            total += 1
    groups.append(terms)
    return [group for group in groups if any(not term.negated for term in group)]


def fts_match(groups: list[list[Term]]) -> str:
    """An FTS5 MATCH expression. Every term is a quoted string, so nothing a reader types
    (NEAR(, *, ^, column:, AND, a stray quote) is ever FTS5 syntax."""

    def quoted(term):
        return '"' + term.text.replace('"', '""') + '"'

    alternatives = []
    for group in groups:
        expr = "(" + " AND ".join(quoted(t) for t in group if not t.negated) + ")"
        for term in group:
            if term.negated:  # FTS5's NOT is binary: "all of these, but not that"
                expr = f"({expr} NOT {quoted(term)})"
        alternatives.append(expr)
    return " OR ".join(alternatives)


def ts_query(groups: list[list[Term]]) -> SearchQuery:
    """The same query for PostgreSQL; phraseto_tsquery per term handles any punctuation."""

    def term_query(term):
        query = SearchQuery(term.text, search_type="phrase", config=CONFIG)
        return ~query if term.negated else query

    alternatives = [reduce(lambda a, b: a & b, map(term_query, group)) for group in groups]
    return reduce(lambda a, b: a | b, alternatives)


# --- The text that is searched -------------------------------------------------------------

BLOCKS = (
    "p|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|div|table|thead|tbody|tfoot|tr|td|th"
    "|figure|figcaption|hr|br"
)
# An opening or closing block tag; revisions.paragraphs() cuts HTML bodies at these too.
BLOCK_TAG = rf"</?(?:{BLOCKS})(?=[\s/>])[^>]*>"
# Body HTML to text, as regular expressions both Python's re and PostgreSQL's regexp_replace
# read alike: markers and `[image:ID]` codes go, inline tags vanish (wo<em>rd</em> stays one
# word), and block boundaries become a space, or " · " after a block that ends without
# punctuation (a heading), so a snippet never runs "Water" into "Rivers run…".
_TEXT_STEPS = (
    (r"[\x02-\x04]|\[image:[0-9]+\]", " "),
    (BLOCK_TAG, "\x1f"),
    (r"<[^>]*>", ""),
    (r"(\w)[\s\x1f]*\x1f[\s\x1f]*", r"\1 · "),
    (r"[\s\x1f]+", " "),
    (r"^ +| *(?:· *)?$", ""),
)


def plain_text(body_html: str) -> str:
    """The body as a reader sees it, without markup (entities decoded)."""
    for pattern, replacement in _TEXT_STEPS:
        body_html = re.sub(pattern, replacement, body_html, flags=re.IGNORECASE)
    return html.unescape(body_html)


def plain_body():
    """plain_text() in SQL, for PostgreSQL. Entities stay: its parser skips them as tokens."""
    expression = F("body_html")
    for pattern, replacement in _TEXT_STEPS:
        expression = Func(
            expression,
            Value(pattern),
            Value(replacement),
            Value("gi"),
            function="regexp_replace",
            output_field=TextField(),
        )
    return expression


# --- Keeping the index in step -------------------------------------------------------------


def ensure_search_config() -> bool:
    """(Re)create CONFIG from settings.SEARCH_CONFIG (PostgreSQL). True if it folds accents.

    `unaccent` is a trusted extension (PostgreSQL 13+): the database's owner may create it
    without being a superuser. Where it cannot be created, search works without folding; a
    superuser's `CREATE EXTENSION unaccent` and a rebuild_search_index add it later.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT %s::regconfig::text", [settings.SEARCH_CONFIG])
        language = cursor.fetchone()[0]  # quoted by PostgreSQL itself
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = {language})")
        try:
            with transaction.atomic():
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                _fold_accents(cursor)
        except DatabaseError:
            return False
    return True


def _fold_accents(cursor):
    # Only word types that may hold non-ASCII letters; each keeps its dictionaries after unaccent.
    cursor.execute(
        "SELECT t.alias, string_agg(m.mapdict::regdictionary::text, ', ' ORDER BY m.mapseqno) "
        "FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg "
        "JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype "
        "WHERE m.mapcfg = %s::regconfig AND t.alias IN ('word', 'hword', 'hword_part') "
        "GROUP BY t.alias",
        [CONFIG],
    )
    for alias, dictionaries in cursor.fetchall():
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
            f"ALTER MAPPING FOR {alias} WITH unaccent, {dictionaries}"
        )


def refresh_search_vectors(article_ids) -> None:
    """Re-index these essays (ids, or a queryset of them): the vector on PostgreSQL, the FTS
    row on SQLite. Called by every write path (signals.py, bulk loads, rebuild_search_index)."""
    if is_postgres():
        _refresh_vectors(article_ids)
    else:
        _refresh_fts_rows(article_ids)


def _refresh_vectors(article_ids):
    from .models import Article, ArticleAuthor

    authors = (
        ArticleAuthor.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(names=StringAgg("author__name", " "))
        .values("names")
    )
    Article.objects.filter(pk__in=article_ids).update(
        search_vector=SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("standfirst", weight="B", config=CONFIG)
        + SearchVector(
            Coalesce(Subquery(authors), Value(""), output_field=TextField()),
            weight="B",
            config=CONFIG,
        )
        + SearchVector(plain_body(), weight="C", config=CONFIG)
    )


def _refresh_fts_rows(article_ids):
    from .models import Article, ArticleAuthor

    if isinstance(article_ids, QuerySet):  # e.g. an author's bylines.values("article_id")
        article_ids = Article.objects.filter(pk__in=article_ids).values_list("pk", flat=True)
    ids = list(article_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = (
            Article.objects.filter(pk__in=chunk)
            .order_by()
            .values_list("pk", "title", "standfirst", "body_html")
        )
        names = {}
        bylines = ArticleAuthor.objects.filter(article__in=chunk).order_by("article", "position")
        for article_id, name in bylines.values_list("article", "author__name"):
            names.setdefault(article_id, []).append(name)
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, authors, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (pk, title, standfirst, ", ".join(names.get(pk, [])), plain_text(body))
                    for pk, title, standfirst, body in rows
                ],
            )


def remove_from_index(article_ids) -> None:
    """Forget deleted essays (SQLite; on PostgreSQL the vector went with the row)."""
    if is_postgres() or not article_ids:
        return
    marks = ", ".join(["%s"] * len(article_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", list(article_ids))


def prepare_rebuild() -> bool:
    """Before re-indexing every essay: a fresh configuration (PostgreSQL) or an empty table.
    True if accents are folded."""
    if is_postgres():
        return ensure_search_config()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
    return True


# --- Searching -----------------------------------------------------------------------------


def search(articles, query: str):
    """The matching essays among `articles`, best first, each with a `headline` for snippet().

    One query for the page (plus the paginator's count) on either backend.
    """
    groups = parse_query(query)
    if not groups:
        return articles.none()
    if is_postgres():
        return _postgres(articles, groups)
    return _sqlite(articles, groups)


def _postgres(articles, groups):
    search_query = ts_query(groups)
    return (
        articles.filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            headline=SearchHeadline(
                plain_body(),
                search_query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def _sqlite(articles, groups):
    # A join, not a correlated subquery: FTS5 then computes bm25() and the snippet once per
    # matching row (a subquery per row re-ran the MATCH: 35 times slower over 5,000 essays).
    # The ORM cannot join a table that is not a model, hence extra().
    essays = connection.ops.quote_name(articles.model._meta.db_table)
    return articles.extra(  # constants only: the reader's query is a parameter
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE} MATCH %s", f"{FTS_TABLE}.rowid = {essays}.id"],
        params=[fts_match(groups)],
        select={
            "rank": f"-bm25({FTS_TABLE}, {FTS_WEIGHTS})",
            "headline": f"snippet({FTS_TABLE}, 3, %s, %s, %s, %s)",
        },
        select_params=(START, STOP, GAP, SNIPPET_WORDS),
    ).order_by("-rank", "-published_at", "-id")


_WORDS = re.compile(r"\w+")


def snippet(article, query: str = "") -> str:
    """Safe HTML: a passage of whole words from the body, escaped, matches in <mark>, and "…"
    where the body goes on."""
    raw = getattr(article, "headline", None)
    if raw is not None and START not in raw and article.standfirst:
        return escape(article.standfirst)  # the match is in the standfirst (or the headline)
    if raw is None:  # not from search(): the opening words
        raw = _opening(plain_text(article.body_html))
    elif is_postgres():
        raw = _with_gaps(html.unescape(raw), plain_text(article.body_html))
    text = escape(raw.strip())
    text = re.sub(f"^{GAP}", "… ", re.sub(f"{GAP}$", " …", text))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def _opening(text):
    words = text.split(" ")
    return " ".join(words[:SNIPPET_WORDS]) + (GAP if len(words) > SNIPPET_WORDS else "")


def _with_gaps(passage, body):
    """ts_headline does not say where it cut the body: compare the words at either end."""
    words = _WORDS.findall(passage.replace(START, "").replace(STOP, ""))
    every = _WORDS.findall(body)
    if not words:
        return passage
    before = "" if every[: len(words)] == words else GAP
    after = "" if every[-len(words) :] == words else GAP
    return before + passage + after
