import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, Author, Section, Topic
from comments.models import Comment

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
    assert Article.objects.filter(status="draft").count() == 1
    assert Article.objects.scheduled().count() == 1
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert {"approved", "pending", "spam"} <= statuses
    assert Comment.objects.filter(parent__isnull=False, status="approved").exists()
    threaded = Article.objects.filter(comments__parent__isnull=False).distinct().get()
    assert threaded.comment_count == threaded.comments.approved().count() > 1
    assert client.get(reverse("articles:home")).status_code == 200
    for article in Article.objects.published():
        assert client.get(article.get_absolute_url()).status_code == 200


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
