"""Backups that restore, and commenters' addresses forgotten after the retention period."""

import io
from datetime import timedelta

import pytest
import reversion
from django.core.management import CommandError, call_command
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import Article, Author, Image, Section, Topic
from comments.models import Comment
from tests.factories import make_article, make_author, make_comment, make_topic

pytestmark = pytest.mark.django_db
BACKUP = ["dumpdata", "--natural-foreign", "--natural-primary", "--exclude", "contenttypes",
          "--exclude", "auth.permission", "--exclude", "sessions", "--exclude", "axes",
          "--exclude", "admin.logentry"]  # fmt: skip


def test_backup_and_restore_round_trip(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = make_article("Кириллица — “quoted”", topics=[make_topic()], authors=[make_author()])
    with reversion.create_revision():
        article.title = "Revised title"
        article.save()
    image = Image.objects.create(file="images/x.jpg", alt_text="Alt", width=10, height=10)
    top = make_comment(article, text="Approved words")
    make_comment(article, parent=top, text="A reply")
    make_comment(article, status="pending", text="Held", ip_address="192.0.2.1")

    def snapshot():
        return {
            "articles": sorted(Article.objects.values_list("slug", "title", "comment_count", "body_html")),
            "bylines": sorted(Article.objects.values_list("slug", "bylines__author__name")),
            "topics": sorted(Article.objects.values_list("slug", "topics__name")),
            "comments": sorted(Comment.objects.values_list("text", "status", "parent__text", "ip_address")),
            "versions": sorted(Version.objects.values_list("object_id", "serialized_data")),
            "images": sorted(Image.objects.values_list("file", "alt_text")),
        }  # fmt: skip

    before = snapshot()
    backup = tmp_path / "backup.json"
    call_command(*BACKUP, "--output", str(backup), verbosity=0)
    # Lose everything the site wrote (users, groups and content types stay, as in a freshly
    # migrated database that an administrator has signed in to).
    for model in (Comment, Version, Revision, Article, Image, Author, Section, Topic):
        model.objects.all().delete()
    assert not Article.objects.exists() and not Comment.objects.exists()
    call_command("loaddata", str(backup), verbosity=0)
    assert snapshot() == before
    assert image.pk in set(Image.objects.values_list("pk", flat=True))


def test_purge_comment_ips_after_the_retention_period(settings):
    article = make_article()
    old = make_comment(article, ip_address="192.0.2.1", user_agent="Old browser",
                       created_at=timezone.now() - timedelta(days=91))  # fmt: skip
    recent = make_comment(article, ip_address="192.0.2.2", user_agent="New browser")
    out = io.StringIO()
    call_command("purge_comment_ips", "--older-than", "90d", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("192.0.2.2", "New browser")
    assert old.text and old.author_email  # only the address is forgotten
    assert "Cleared the IP address and user agent of 1 comments." in out.getvalue()

    settings.COMMENTS_IP_RETENTION_DAYS = 1
    Comment.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=2))
    call_command("purge_comment_ips", stdout=io.StringIO())
    recent.refresh_from_db()
    assert recent.ip_address is None


def test_purge_refuses_a_malformed_age():
    with pytest.raises(CommandError, match="number of days"):
        call_command("purge_comment_ips", "--older-than", "soon")


def test_emails_and_addresses_are_never_public(client):
    from django.urls import reverse

    article = make_article()
    make_comment(article, author_email="private@example.org", ip_address="203.0.113.77",
                 user_agent="SecretAgent/1.0")  # fmt: skip
    urls = [article.get_absolute_url(), reverse("comments:feed"), reverse("comments:feed-atom"),
            reverse("comments:article-feed", args=[article.slug]), reverse("articles:feed"),
            reverse("articles:search") + "?q=Comment", reverse("sitemap"), reverse("articles:home")]  # fmt: skip
    for url in urls:
        text = client.get(url).content.decode()
        for secret in ("private@example.org", "203.0.113.77", "SecretAgent"):
            assert secret not in text, (url, secret)
