"""Search that folds accents and, on SQLite, ranks: see articles/search.py.

- SQLite: the FTS5 table `articles_search` (rowid = essay id), filled for existing essays.
- PostgreSQL: the text search configuration `essay_search`, a copy of settings.SEARCH_CONFIG
  that passes words through `unaccent` when the database lets us create the extension, and
  every essay's search vector recomputed with it.

Each operation does nothing on the other database. Frozen on purpose: the text conversion and
SQL below are copies of search.py as of this migration, applied to historical models only.
"""

import html
import re

from django.conf import settings
from django.db import DatabaseError, migrations, transaction

CONFIG = "essay_search"
FTS_TABLE = "articles_search"
BLOCKS = (
    "p|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|div|table|thead|tbody|tfoot|tr|td|th"
    "|figure|figcaption|hr|br"
)
TEXT_STEPS = (
    (r"[\x02-\x04]|\[image:[0-9]+\]", " "),
    (rf"</?(?:{BLOCKS})(?=[\s/>])[^>]*>", "\x1f"),
    (r"<[^>]*>", ""),
    (r"(\w)[\s\x1f]*\x1f[\s\x1f]*", r"\1 · "),
    (r"[\s\x1f]+", " "),
    (r"^ +| *(?:· *)?$", ""),
)


def plain_text(body_html):
    for pattern, replacement in TEXT_STEPS:
        body_html = re.sub(pattern, replacement, body_html, flags=re.IGNORECASE)
    return html.unescape(body_html)


def create_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    Article = apps.get_model("articles", "Article")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, standfirst, authors, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    names = {}
    bylines = ArticleAuthor.objects.order_by("article_id", "position")
    for article_id, name in bylines.values_list("article_id", "author__name"):
        names.setdefault(article_id, []).append(name)
    rows = Article.objects.order_by("pk").values_list("pk", "title", "standfirst", "body_html")
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, authors, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (pk, title, standfirst, ", ".join(names.get(pk, [])), plain_text(body))
                for pk, title, standfirst, body in rows.iterator()
            ],
        )


def drop_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def fill_vectors(apps, cursor, config):
    Article = apps.get_model("articles", "Article")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    Author = apps.get_model("articles", "Author")
    body, params = "a.body_html", []
    for pattern, replacement in TEXT_STEPS:
        body = f"regexp_replace({body}, %s, %s, 'gi')"
        params += [pattern, replacement]
    names = (
        f"(SELECT string_agg(au.name, ' ') FROM {ArticleAuthor._meta.db_table} aa "
        f"JOIN {Author._meta.db_table} au ON au.id = aa.author_id WHERE aa.article_id = a.id)"
    )
    cursor.execute(
        f"UPDATE {Article._meta.db_table} a SET search_vector = "
        "setweight(to_tsvector(%s::regconfig, coalesce(a.title, '')), 'A') || "
        "setweight(to_tsvector(%s::regconfig, coalesce(a.standfirst, '')), 'B') || "
        f"setweight(to_tsvector(%s::regconfig, coalesce({names}, '')), 'B') || "
        f"setweight(to_tsvector(%s::regconfig, {body}), 'C')",
        [config, config, config, config, *params],
    )


def fold_accents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT %s::regconfig::text", [settings.SEARCH_CONFIG])
        language = cursor.fetchone()[0]
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = {language})")
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                cursor.execute(
                    "SELECT t.alias, string_agg(m.mapdict::regdictionary::text, ', ' "
                    "ORDER BY m.mapseqno) FROM pg_ts_config_map m "
                    "JOIN pg_ts_config c ON c.oid = m.mapcfg "
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
        except DatabaseError:
            print(
                "\n  unaccent could not be installed: search works but does not fold accents. "
                "As a superuser run CREATE EXTENSION unaccent, then manage.py rebuild_search_index."
            )
        fill_vectors(apps, cursor, CONFIG)


def unfold_accents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        fill_vectors(apps, cursor, settings.SEARCH_CONFIG)
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_drop_content_version"),
    ]

    operations = [
        migrations.RunPython(create_fts_table, drop_fts_table),
        migrations.RunPython(fold_accents, unfold_accents),
    ]
