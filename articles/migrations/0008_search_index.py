"""GIN index over the search vector (PostgreSQL only).

SQLite has no tsvector or GIN, so on SQLite this migration does nothing.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS article_search_gin ON articles_article USING gin (search_vector)"
)
DROP = "DROP INDEX IF EXISTS article_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_search_vector")]

    operations = [migrations.RunPython(create_index, drop_index)]
