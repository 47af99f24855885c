import re
import shutil
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Section, Topic
from comments.models import Comment
from demo import content

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("slug", flat=True))
        for model in (Article, Author, Section, Topic)
    } | {"dates": sorted(str(d) for d in Article.objects.values_list("published_at", flat=True))}


def test_load_demo_twice_changes_nothing(client):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    assert Article.objects.count() >= 12
    assert Section.objects.count() >= 3
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    assert Article.objects.scheduled().count() == 1
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert {Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM} <= statuses
    assert Comment.objects.filter(parent__isnull=False, status=Comment.Status.APPROVED).exists()
    threaded = Article.objects.filter(comments__parent__isnull=False).distinct().get()
    assert threaded.comment_count == threaded.comments.approved().count() > 1
    assert client.get(reverse("articles:home")).status_code == 200
    for article in Article.objects.published():
        assert client.get(article.get_absolute_url()).status_code == 200


def test_each_demo_file_becomes_one_essay_with_its_comments_threaded(client):
    call_command("load_demo")
    files = sorted(path.stem for path in content.ESSAYS.glob("*.md"))
    assert sorted(Article.objects.values_list("slug", flat=True)) == files
    essay = Article.objects.get(slug="quiet-arithmetic-of-bus-lanes")
    assert essay.is_live and essay.title == "The Quiet Arithmetic of Bus Lanes"
    assert [a.slug for a in essay.author_list] == ["ines-carvalho"]
    assert essay.body.startswith("Every council meeting about a bus lane")
    assert "<h2>The visible loss and the invisible gain</h2>" in essay.body_html
    comments = list(essay.comments.order_by("created_at"))
    assert [c.status for c in comments] == ["approved"] * 3 + ["pending"]
    assert [c.depth for c in comments] == [0, 1, 2, 0]
    assert comments[2].parent == comments[1] and comments[1].parent == comments[0]
    assert comments[1].created_at - essay.published_at == timedelta(hours=9)
    assert comments[3].held_reasons  # held, and the desk says why
    assert essay.comment_count == 3
    page = client.get(essay.get_absolute_url()).text
    assert "Marek" in page and "Joaquín R." not in page  # the pending one is not public


@pytest.fixture
def demo_folder(tmp_path, monkeypatch):
    """A copy of the demo essays to add files to."""
    folder = tmp_path / "essays"
    shutil.copytree(content.ESSAYS, folder)
    monkeypatch.setattr(content, "ESSAYS", folder)
    return folder


NEW_ESSAY = """+++
title = "A New Essay"
slug = "a-new-essay"
section = "field-notes"
authors = ["tomas-okafor", "zoe-hartmann"]
topics = ["trade"]
status = "published"
published_at = "-3 days"
standfirst = "Added as a file."

[[comments]]
name = "Ann"
email = "ann@example.org"
status = "approved"
hours_after = 2
text = "First."

[[comments]]
name = "Ben"
email = "ben@example.org"
status = "approved"
hours_after = 4
reply_to = 1
text = "An answer."
+++

Some *Markdown*.
"""


def test_an_essay_file_added_to_the_folder_is_loaded_next_time(demo_folder):
    call_command("load_demo")
    (demo_folder / "a-new-essay.md").write_text(NEW_ESSAY, encoding="utf-8")
    call_command("load_demo")
    essay = Article.objects.get(slug="a-new-essay")
    assert essay.is_live and essay.body_html == "<p>Some <em>Markdown</em>.</p>"
    assert timedelta(days=3) <= timezone.now() - essay.published_at < timedelta(days=3, minutes=2)
    assert [a.slug for a in essay.author_list] == ["tomas-okafor", "zoe-hartmann"]
    first, answer = essay.comments.order_by("created_at")
    assert answer.parent == first and essay.comment_count == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace("+++\n\nSome", "\nSome"), "between two '+++' lines"),
        (lambda text: text.replace('"-3 days"', '"last week"'), "published_at must read like"),
        (lambda text: text.replace('title = "A New', "title = A New"), "a-new-essay.md"),
        (lambda text: text.replace('"field-notes"', '"no-such-section"'), "no-such-section"),
        (lambda text: text.replace("reply_to = 1", "reply_to = 2"), "not an earlier comment"),
    ],
)
def test_a_broken_demo_file_is_named_in_a_clear_error(demo_folder, change, message):
    (demo_folder / "a-new-essay.md").write_text(change(NEW_ESSAY), encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_demo")
    assert not Article.objects.exists()  # nothing half-loaded


def test_load_demo_if_empty_leaves_an_existing_site_alone():
    call_command("load_demo")
    Article.objects.filter(slug=Article.objects.first().slug).delete()
    remaining = Article.objects.count()
    call_command("load_demo", "--if-empty")
    assert Article.objects.count() == remaining


def test_demo_editor_is_created_once_and_only_in_development(settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_editor")
    first = capsys.readouterr().out
    call_command("create_demo_editor")
    second = capsys.readouterr().out
    assert "password" in first and "write essays and moderate comments" in first
    assert "already exists" in second
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert set(editor.groups.values_list("name", flat=True)) == {"Editors", "Moderators"}
    client = Client()
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    assert client.get(reverse("admin:comments_comment_changelist")).status_code == 200

    settings.DEBUG = False
    get_user_model().objects.all().delete()
    with pytest.raises(CommandError):
        call_command("create_demo_editor")
    assert not get_user_model().objects.exists()


def test_a_demo_editor_from_an_older_run_can_moderate_too(settings, capsys):
    settings.DEBUG = True
    older = get_user_model().objects.create_user("editor", password="old-pass-1", is_staff=True)
    older.groups.add(Group.objects.get(name="Editors"))
    call_command("create_demo_editor")
    assert "already exists" in capsys.readouterr().out
    assert set(older.groups.values_list("name", flat=True)) == {"Editors", "Moderators"}
    assert older.check_password("old-pass-1")  # its password is left alone
