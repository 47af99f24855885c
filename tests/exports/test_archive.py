"""The JSON archive: its manifest, one JSON Lines file per kind, the original media files."""

import json
import zipfile

import pytest
import reversion
from django.core.files.storage import default_storage

from articles.models import Article
from exports.archive import write_archive


def read(path):
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        files = {
            name.removesuffix(".jsonl"): [json.loads(line) for line in zf.read(name).splitlines()]
            for name in zf.namelist()
            if name.endswith(".jsonl")
        }
        media = {name: zf.read(name) for name in zf.namelist() if name.startswith("media/")}
    return manifest, files, media


@pytest.fixture
def archive(site, tmp_path):
    path = tmp_path / "site.zip"
    write_archive(path)
    return read(path)


def by_id(rows):
    return {row["id"]: row for row in rows}


def test_manifest_names_the_format_the_site_and_the_counts(archive):
    manifest, files, _ = archive
    assert manifest["format"] == "essay-review-archive"
    assert manifest["version"] == 1
    assert manifest["site"] == {"name": "The Essay Review", "url": "https://essays.example.org"}
    assert manifest["created_at"].endswith("Z")
    assert manifest["revisions"] is False
    assert manifest["missing_media"] == []
    expected = {
        "sections": 1, "topics": 2, "authors": 3, "images": 1, "essays": 4, "pages": 2,
        "redirects": 2, "comments": 6, "moderation_actions": 4, "blocklist": 2,
        "media_files": 2,
    }  # fmt: skip
    assert manifest["counts"] == expected
    assert {kind: len(rows) for kind, rows in files.items()} == {
        kind: n for kind, n in expected.items() if kind != "media_files"
    }


def test_essays_hold_bylines_topic_ids_and_plain_fields(site, archive):
    _, files, _ = archive
    essay = by_id(files["essays"])[site.published.pk]
    assert essay["title"] == "Rivers & Their Cities"
    assert essay["body"] == site.published.body
    assert essay["body_format"] == "markdown"
    assert "<em>cities</em>" in essay["body_html"]
    assert essay["section_id"] == site.published.section_id
    assert essay["featured_image_id"] == site.image.pk
    assert [b["author_id"] for b in essay["bylines"]] == [a.pk for a in site.published.author_list]
    assert [b["position"] for b in essay["bylines"]] == [0, 1]
    assert sorted(essay["topic_ids"]) == sorted(t.pk for t in site.published.topics.all())
    assert essay["published_at"] == site.published.published_at.isoformat().replace("+00:00", "Z")
    assert essay["source_id"] == "tag:blogger.com,1999:post-1"
    assert essay["comment_count"] == 3
    assert "search_vector" not in essay
    assert by_id(files["essays"])[site.draft.pk]["published_at"] is None
    assert by_id(files["essays"])[site.draft.pk]["status"] == "draft"


def test_comments_keep_status_thread_and_personal_data(site, archive):
    _, files, _ = archive
    comments = by_id(files["comments"])
    first = comments[site.approved.pk]
    assert first["author_email"] == "first.reader@example.org"
    assert first["ip_address"] == "192.0.2.7"
    assert first["notify_replies"] is True
    assert first["text"] == "First!\nSecond line."
    assert "text_html" not in first
    deep = comments[site.deep_reply.pk]
    assert (deep["parent_id"], deep["in_reply_to_id"], deep["depth"]) == (
        site.approved.pk, site.reply.pk, 1,
    )  # fmt: skip
    assert {c["status"] for c in comments.values()} == {"approved", "pending", "spam", "removed"}
    assert comments[site.spam.pk]["moderated_by"] == "moderator"
    actions = [a for a in files["moderation_actions"] if a["comment_id"] == site.removed.pk]
    assert sorted((a["created_at"], a["status"], a["moderator"]) for a in actions)[1][1:] == (
        "approved", None,
    )  # fmt: skip


def test_blocklist_redirects_pages_and_media(site, archive):
    _, files, media = archive
    assert {(b["kind"], b["value"], b["note"]) for b in files["blocklist"]} == {
        ("ip", "203.0.113.0/24", "a bot farm"), ("word", "casino", ""),
    }  # fmt: skip
    assert {(r["old_path"], r["article_id"], r["page_id"]) for r in files["redirects"]} == {
        ("/2019/03/rivers.html", site.published.pk, None), ("/p/about.html", None, site.page.pk),
    }  # fmt: skip
    assert {p["slug"]: p["status"] for p in files["pages"]} == {
        "about": "published", "secret": "draft",
    }  # fmt: skip
    (image,) = files["images"]
    assert image["file"] == site.image.file.name
    (photo,) = [a["photo"] for a in files["authors"] if a["photo"]]
    with default_storage.open(site.image.file.name) as original:
        assert media[f"media/{site.image.file.name}"] == original.read()
    assert f"media/{photo}" in media


def test_revisions_only_when_asked(site, tmp_path):
    with reversion.create_revision():
        article = Article.objects.get(pk=site.draft.pk)
        article.title = "A better title"
        article.save()
    path = tmp_path / "with.zip"
    counts = write_archive(path, revisions=True)
    manifest, files, _ = read(path)
    assert manifest["revisions"] is True
    assert counts["revisions"] == len(files["revisions"]) >= 2  # the essay and its byline
    essay = next(v for v in files["revisions"] if v["model"] == "articles.article")
    assert essay["object_id"] == str(site.draft.pk)
    assert json.loads(essay["serialized_data"])[0]["fields"]["title"] == "A better title"
    write_archive(tmp_path / "without.zip")
    assert "revisions" not in read(tmp_path / "without.zip")[1]


def test_a_lost_media_file_is_listed_not_fatal(site, tmp_path):
    default_storage.delete(site.image.file.name)
    path = tmp_path / "site.zip"
    write_archive(path)
    manifest, _, media = read(path)
    assert manifest["missing_media"] == [site.image.file.name]
    assert manifest["counts"]["media_files"] == 1
    assert f"media/{site.image.file.name}" not in media
