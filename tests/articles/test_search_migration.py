"""Migration 0016 builds the search index of the essays a site already has. Apart from
test_search.py: there each test runs in a savepoint, and SQLite cannot roll a dropped full-text
table back to a savepoint."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_migration_0016_indexes_the_essays_that_already_exist(client):
    make_article("Cold war diplomacy", body="The détente of the 1970s did not last.")
    make_article("A thaw", body="Detente was the word for it in the newspapers.")
    make_article("Harbours of the North Sea", body="Shipping lanes and cranes.")
    make_article("On cranes", body="Lanes of cranes, and a word on the harbour near the end.")
    make_article("Draft harbour", status="draft", published_at=None, body="Harbour detente.")
    with connection.cursor() as cursor:  # as before the migration
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE articles_search")
        else:
            cursor.execute("DROP TEXT SEARCH CONFIGURATION essay_search")
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
    migration = import_module("articles.migrations.0016_sqlite_fts").Migration
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    for operation in migration.operations:
        operation.code(apps, editor)

    def found(query):
        response = client.get(reverse("articles:search"), {"q": query})
        return [article.title for article in response.context["articles"]]

    assert set(found("detente")) == {"Cold war diplomacy", "A thaw"}
    assert found("harbour") == ["Harbours of the North Sea", "On cranes"]  # headline first
