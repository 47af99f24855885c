"""import_archive: an export restored into an emptied site shows readers the same pages and
holds the same rows; a bad archive is refused with a message and changes nothing."""

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from reversion.models import Revision, Version

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Image,
    LegacyRedirect,
    Page,
    Section,
    Topic,
)
from comments.models import BlocklistEntry, Comment, ModerationAction
from tests.exports.conftest import build_site
from tests.factories import make_article, make_comment

CONTENT = [
    ModerationAction, Comment, LegacyRedirect, ArticleAuthor, Article, Page, Image, Author,
    Section, Topic, BlocklistEntry,
]  # fmt: skip


def rows(model, *exclude):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
    return list(model._default_manager.order_by("pk").values_list(*fields))


def snapshot():
    derived = ("search_vector",)
    return {model.__name__: rows(model, *derived) for model in CONTENT} | {
        "topics": sorted(Article.topics.through.objects.values_list("article_id", "topic_id"))
    }


def token_free(html: str) -> str:
    """A page without its per-request form tokens (CSRF, the comment form's signed time)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="token" value="[^"]*"', "", html)


def public_pages(client, site):
    urls = [
        site.published.get_absolute_url(),
        site.html_essay.get_absolute_url(),
        site.page.get_absolute_url(),
        reverse("articles:home"),
        "/2019/03/rivers.html",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        pages[url] = (response.status_code, token_free(response.text))
    return pages


def empty_the_site():
    for model in CONTENT:
        model._default_manager.all().delete()
    Revision.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)


def export_archive(tmp_path, *options) -> Path:
    call_command("export_site", "--output", str(tmp_path / "out"), "--format", "json", *options)
    (path,) = (tmp_path / "out").glob("*.zip")
    return path


def search_hits(client, query):
    page = client.get(reverse("articles:search"), {"q": query}).text
    return {a.slug for a in Article.objects.all() if f"/essays/{a.slug}/" in page}


def test_a_restored_site_shows_the_same_pages_and_holds_the_same_rows(site, client, tmp_path):
    with reversion.create_revision():
        site.draft.title = "A better title"
        site.draft.save()
    before_pages = public_pages(client, site)
    before_rows = snapshot()
    before_versions = list(
        Version.objects.order_by("pk").values_list("object_id", "serialized_data")
    )
    with open(site.image.file.path, "rb") as original:
        picture = original.read()
    assert search_hits(client, "rivers") == {site.published.slug}
    path = export_archive(tmp_path, "--revisions")

    empty_the_site()
    assert client.get(site.published.get_absolute_url()).status_code == 404
    call_command("import_archive", str(path), verbosity=0)

    assert snapshot() == before_rows  # ids, times, statuses, threads, derived HTML and counts
    assert public_pages(client, site) == before_pages
    assert [c.pk for c in Comment.objects.approved()] == [
        site.approved.pk,
        site.reply.pk,
        site.deep_reply.pk,
    ]
    assert Article.objects.get(pk=site.published.pk).comment_count == 3
    assert search_hits(client, "rivers") == {site.published.slug}  # the index is rebuilt
    with open(Image.objects.get().file.path, "rb") as restored:
        assert restored.read() == picture
    assert (
        Author.objects.exclude(photo="")
        .get()
        .photo.storage.exists(Author.objects.exclude(photo="").get().photo.name)
    )
    assert (
        list(Version.objects.order_by("pk").values_list("object_id", "serialized_data"))
        == before_versions
    )
    # New rows continue after the restored ids (sequences reset on PostgreSQL).
    article = make_article()
    assert article.pk > max(site.published.pk, site.draft.pk, site.scheduled.pk, site.html_essay.pk)
    assert make_comment(article).pk > site.removed.pk


def test_it_refuses_a_site_that_is_not_empty(site, tmp_path):
    path = export_archive(tmp_path)
    with pytest.raises(CommandError, match="empty site.*essays.*comments"):
        call_command("import_archive", str(path), verbosity=0)


def rewrite(path: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, bytes) -> bytes | None` (None drops it)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                out.writestr(name, data)
    return target


@pytest.fixture
def good_archive(db, tmp_path, settings):
    build_site()
    path = export_archive(tmp_path)
    empty_the_site()
    return path


def bad_line(kind, data):
    lines = data.splitlines()
    return b"\n".join([*lines[:-1], kind]) + b"\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n, d: None if n == "manifest.json" else d, "(?i)no manifest.json"),
        (lambda n, d: None if n == "comments.jsonl" else d, "no comments.jsonl"),
        (lambda n, d: b"{" if n == "manifest.json" else d, "manifest.json cannot be read"),
        (
            lambda n, d: d.replace(b'"version": 1', b'"version": 9') if n == "manifest.json" else d,
            "format version 9",
        ),
        (
            lambda n, d: bad_line(b"{not json", d) if n == "comments.jsonl" else d,
            "comments.jsonl, line 6: not JSON",
        ),
        (
            lambda n, d: (
                d.replace(b'"status":"spam"', b'"status":"eaten"') if n == "comments.jsonl" else d
            ),
            "comments.jsonl, line .*'eaten' is not one of the choices",
        ),
        (
            lambda n, d: (
                d.replace(b'"published_at":"', b'"published_at":"yesterday')
                if n == "essays.jsonl"
                else d
            ),
            "essays.jsonl, line 1",
        ),
        (
            lambda n, d: (
                d.replace(b'"section_id":', b'"section_id":999') if n == "essays.jsonl" else d
            ),
            "could not be restored",
        ),  # a foreign key to nothing: the database refuses it at the commit
        (
            lambda n, d: d.replace(b'"author_name":', b'"name":') if n == "comments.jsonl" else d,
            "no 'author_name'",
        ),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_is_restored(good_archive, tmp_path, change, message):
    bad = rewrite(good_archive, tmp_path / "bad.zip", change)
    with pytest.raises(CommandError, match=message):
        call_command("import_archive", str(bad), verbosity=0)
    assert all(not model._default_manager.exists() for model in CONTENT)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_that_is_not_a_zip_is_refused(db, tmp_path):
    path = tmp_path / "notes.zip"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not a readable zip file"):
        call_command("import_archive", str(path), verbosity=0)
    with pytest.raises(CommandError, match="not a readable zip file"):
        call_command("import_archive", str(tmp_path / "missing.zip"), verbosity=0)


def test_media_outside_the_media_folder_is_refused(good_archive, tmp_path):
    def escape(name, data):
        return data

    bad = rewrite(good_archive, tmp_path / "bad.zip", escape)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("media/../../outside.txt", b"x")
    with pytest.raises(CommandError, match="outside media/"):
        call_command("import_archive", str(bad), verbosity=0)
    assert not (tmp_path / "outside.txt").exists()
    assert not Article.objects.exists()


def test_manifest_counts_are_printed(good_archive, capsys):
    call_command("import_archive", str(good_archive), verbosity=0)
    out = capsys.readouterr().out
    assert "Restored" in out and "4 essays" in out and "6 comments" in out
    assert json.loads(zipfile.ZipFile(good_archive).read("manifest.json"))["counts"]["essays"] == 4
    assert connection.vendor in {"sqlite", "postgresql"}
