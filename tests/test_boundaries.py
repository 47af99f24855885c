"""Dependencies point one way: comments → articles → core (the contract in pyproject.toml).

A wrong-way import (core importing an app, articles importing comments) fails this test as
it fails `make lint`; the output names the importing module and line.
"""

import contextlib
import io
import os
from pathlib import Path

import pytest
from django.core import serializers
from django.urls import reverse
from importlinter.cli import lint_imports

from articles.models import Article
from tests.factories import make_article, make_comment

ROOT = Path(__file__).resolve().parent.parent


def test_no_module_imports_against_the_layers(monkeypatch):
    monkeypatch.chdir(ROOT)  # the contract is read from pyproject.toml here
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = lint_imports(config_filename=os.fspath(ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, output.getvalue()


# The hooks that replace the wrong-way imports: each must still do its job.


@pytest.mark.django_db
def test_a_restored_essay_gets_its_comment_count_recounted():
    """A raw save (revision restore, loaddata) brings an old stored count back; the comments
    app recounts it (comments/signals.py), as articles/signals.py did before."""
    article = make_article()
    make_comment(article)
    make_comment(article, status="pending")
    stale = serializers.serialize("json", [Article.objects.get(pk=article.pk)])
    stale = stale.replace('"comment_count": 1', '"comment_count": 7')
    for restored in serializers.deserialize("json", stale):
        restored.save()
    article.refresh_from_db()
    assert article.comment_count == 1


@pytest.mark.django_db
def test_the_essay_list_counts_held_comments_without_importing_comments(admin_client):
    article = make_article()
    make_comment(article, status="pending")
    make_comment(article, status="pending")
    make_comment(article)  # approved: not waiting
    page = admin_client.get(reverse("admin:articles_article_changelist")).text
    queue = reverse("admin:comments_comment_changelist")
    assert f'<a href="{queue}?article__id__exact={article.pk}">2</a>' in page
    assert "<strong>2</strong> comments pending moderation" in page
