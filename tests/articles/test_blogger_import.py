"""Blogger imports beyond the sample file: Takeout feeds and zips, both draft namespaces,
re-imports, dry runs, old feed and label addresses, non-Latin slugs, embeds, hostile files."""

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Image, ImportRun, Page, Section, Topic
from comments.models import Comment

pytestmark = pytest.mark.django_db
BLOG = "tag:blogger.com,1999:blog-42"


def takeout_entry(
    number, kind="POST", status="LIVE", title="", body="", filename="", labels=(),
    parent=None, reply_to=None, author="Rosa Lind", published="2024-02-01T10:00:00.000Z",
    updated=None,
):  # fmt: skip
    parts = [
        f"<id>{BLOG}.post-{number}</id>",
        f"<blogger:type>{kind}</blogger:type><blogger:status>{status}</blogger:status>",
        f"<author><name>{escape(author)}</name></author>",
        f"<title>{escape(title)}</title>" if title else "",
        f"<content type='html'>{escape(body)}</content>",
        f"<published>{published}</published><updated>{updated or published}</updated>",
        f"<blogger:filename>{filename}</blogger:filename>" if filename else "",
        f"<blogger:parent>{BLOG}.post-{parent}</blogger:parent>" if parent else "",
        f"<blogger:inReplyTo>{BLOG}.post-{reply_to}</blogger:inReplyTo>" if reply_to else "",
        *(f"<category scheme='{BLOG}' term={quoteattr(label)}/>" for label in labels),
    ]
    return f"<entry>{''.join(parts)}</entry>"


def takeout_feed(*entries, title="Field Notes"):
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>"
        f"<id>{BLOG}</id><title>{escape(title)}</title>{''.join(entries)}</feed>"
    ).encode()


FIELD_NOTES = takeout_feed(
    takeout_entry(1, title="Rivers in winter", body="<p>The ice <b>came</b> early.</p>",
                  filename="/2024/02/rivers-in-winter.html", labels=["Hydrology", "Winter"]),
    takeout_entry(2, status="DRAFT", title="Secret embargoed draft", body="<p>Not yet.</p>"),
    takeout_entry(3, status="SOFT_TRASHED", title="Binned thoughts", body="<p>Gone.</p>",
                  filename="/2023/01/binned.html"),
    takeout_entry(4, kind="PAGE", title="About us", body="<p>Who we are.</p>",
                  filename="/p/about.html"),
    takeout_entry(5, kind="PAGE", status="DRAFT", title="Hidden page", body="x",
                  filename="/p/hidden.html"),
    takeout_entry(12, kind="COMMENT", body="Second!", parent=1, reply_to=11, author="",
                  published="2024-02-02T10:00:00.000Z"),
    takeout_entry(11, kind="COMMENT", body="First &amp; best", parent=1, author="Ola",
                  published="2024-02-01T12:00:00.000Z"),
    takeout_entry(13, kind="COMMENT", status="DRAFT", body="Held on Blogger", parent=1),
    takeout_entry(6, title="", body="<p>A post with no title but many words in it here.</p>",
                  filename="/2024/03/untitled.html"),
)  # fmt: skip


def run_import(tmp_path, data, *args, name="feed.atom"):
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_blogger", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def public_text(client):
    """Everything an anonymous reader or crawler can list."""
    urls = ["/", "/feed/", "/feed/atom/", "/sitemap-essays.xml", "/archive/", "/archive/2024/02/"]
    return "".join(client.get(url).content.decode() for url in urls)


def test_takeout_feed_imports_posts_pages_and_threaded_comments(client, tmp_path):
    out = run_import(tmp_path, FIELD_NOTES)
    assert "new 2 essays, 2 drafts, 2 pages, 3 comments" in out
    rivers = Article.objects.get(title="Rivers in winter")
    assert rivers.is_live and rivers.slug == "rivers-in-winter"
    assert rivers.section.name == "Field Notes"
    assert sorted(t.name for t in rivers.topics.all()) == ["Hydrology", "Winter"]
    assert rivers.updated_at is None  # updated == published: no "Updated" line
    first = Comment.objects.get(text="First & best")
    second = Comment.objects.get(text="Second!")
    assert second.parent == first and second.in_reply_to == first and second.depth == 1
    assert second.author_name == "Anonymous" and second.author_email == ""
    assert Comment.objects.get(text="Held on Blogger").status == Comment.Status.REMOVED
    page = client.get("/2024/02/rivers-in-winter.html", follow=True).content.decode()
    assert "2 comments" in page and "Held on Blogger" not in page
    assert (
        client.get("/p/about.html")["Location"]
        == Page.objects.get(title="About us").get_absolute_url()
    )
    assert "Who we are." in client.get("/pages/about/").content.decode()
    assert "About us" in client.get("/").content.decode()  # linked from the footer
    untitled = Article.objects.get(source_id=f"{BLOG}.post-6")
    assert untitled.title == "A post with no title but many words…" and untitled.is_live
    assert "untitled post given the title “A post with no title" in out


def test_nothing_but_live_entries_is_ever_public(client, tmp_path):
    run_import(tmp_path, FIELD_NOTES)
    listed = public_text(client)
    assert "Rivers in winter" in listed
    for title in ("Secret embargoed draft", "Binned thoughts"):
        article = Article.objects.get(title=title)
        assert article.status == Article.Status.DRAFT
        assert title not in listed
        assert client.get(article.get_absolute_url()).status_code == 404
        assert title not in client.get("/search/", {"q": title.split()[0]}).content.decode()
    assert client.get("/2023/01/binned.html").status_code == 404
    assert client.get("/p/hidden.html").status_code == 404
    assert client.get("/pages/hidden-page/").status_code == 404
    assert "Hidden page" not in client.get("/").content.decode()


def takeout_zip(tmp_path, blogs):
    path = tmp_path / "takeout-20261201.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Takeout/archive_browser.html", "<html></html>")
        for name, data in blogs.items():
            archive.writestr(f"Takeout/Blogger/Blogs/{name}/feed.atom", data)
            archive.writestr(f"Takeout/Blogger/Blogs/{name}/settings.csv", "x")
    return path


def test_takeout_zip_imports_each_blog_into_its_own_section(tmp_path):
    other = takeout_feed(
        takeout_entry(9001, title="Other blog's post", body="<p>Hi</p>"), title="Second Blog"
    )
    path = takeout_zip(tmp_path, {"Field Notes": FIELD_NOTES, "Second Blog": other})
    call_command("import_blogger", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(Section.objects.values_list("name", flat=True)) == {"Field Notes", "Second Blog"}
    assert Article.objects.get(title="Other blog's post").section.name == "Second Blog"


def test_takeout_zip_blog_option_picks_one_and_names_the_others(tmp_path):
    other = takeout_feed(takeout_entry(9001, title="Other", body="x"), title="Second Blog")
    path = takeout_zip(tmp_path, {"Field Notes": FIELD_NOTES, "Second Blog": other})
    call_command("import_blogger", str(path), "--blog", "second blog", stdout=io.StringIO())
    assert list(Section.objects.values_list("name", flat=True)) == ["Second Blog"]
    with pytest.raises(CommandError, match="no blog named “Nope”; it has “Field Notes”"):
        call_command("import_blogger", str(path), "--blog", "Nope")


def test_zip_without_a_blogger_feed_is_refused(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Takeout/Photos/a.txt", "x")
    with pytest.raises(CommandError, match="holds no Blogger/Blogs/<blog name>/feed.atom"):
        call_command("import_blogger", str(path))


LEGACY_DRAFT = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:app='{app}'>
<id>tag:blogger.com,1999:blog-7</id><title>Legacy</title><generator>Blogger</generator>
<entry><id>tag:blogger.com,1999:blog-7.post-1</id>
<published>2024-01-05T10:00:00.000Z</published><updated>2024-01-05T10:00:00.000Z</updated>
<app:control><app:draft>yes</app:draft></app:control>
<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
<title type='text'>Embargoed budget leak</title><content type='html'>secret</content>
<link rel='alternate' type='text/html' href='https://x.blogspot.com/2024/01/embargoed.html'/>
<author><name>A</name></author></entry>
<entry><id>tag:blogger.com,1999:blog-7.post-2</id>
<published>2024-01-06T10:00:00.000Z</published><updated>2024-01-06T10:00:00.000Z</updated>
<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
<title type='text'>Public piece</title><content type='html'>open</content>
<author><name>A</name></author></entry>
</feed>"""


@pytest.mark.parametrize("app", ["http://purl.org/atom/app#", "http://www.w3.org/2007/app"])
def test_drafts_stay_drafts_whatever_the_app_namespace(client, tmp_path, app):
    run_import(tmp_path, LEGACY_DRAFT.format(app=app).encode(), name="blog.xml")
    draft = Article.objects.get(title="Embargoed budget leak")
    assert draft.status == Article.Status.DRAFT
    listed = public_text(client) + client.get("/archive/2024/01/").content.decode()
    assert "Public piece" in listed and "Embargoed" not in listed
    assert client.get("/2024/01/embargoed.html").status_code == 404


def test_reimport_updates_what_changed_and_keeps_local_edits_otherwise(client, tmp_path):
    run_import(tmp_path, FIELD_NOTES)
    rivers = Article.objects.get(title="Rivers in winter")
    Comment.objects.filter(text="Second!").update(status=Comment.Status.REMOVED)  # moderated here
    changed = (
        FIELD_NOTES.replace(b"Rivers in winter", b"Rivers in deep winter")
        .replace(b"<blogger:status>DRAFT</blogger:status><author><name>Rosa Lind</name></author>"
                 b"<title>Secret", b"<blogger:status>LIVE</blogger:status><author><name>Rosa Lind"
                 b"</name></author><title>Secret")
        .replace(b"First &amp;amp; best", b"First &amp;amp; better")
        .replace(b'term="Winter"', b'term="Ice"')
    )  # fmt: skip
    out = run_import(tmp_path, changed, "--dry-run")
    assert "Would import" in out and "updated 2 essays, 0 drafts, 0 pages, 1 comments" in out
    assert (
        Article.objects.get(pk=rivers.pk).title == "Rivers in winter"
    )  # the dry run changed nothing
    assert not Article.objects.filter(title="Secret embargoed draft", status="published").exists()

    out = run_import(tmp_path, changed)
    assert "updated 2 essays, 0 drafts, 0 pages, 1 comments" in out
    rivers.refresh_from_db()
    assert rivers.title == "Rivers in deep winter" and rivers.slug == "rivers-in-winter"
    assert sorted(t.name for t in rivers.topics.all()) == ["Hydrology", "Ice"]
    assert Article.objects.get(title="Secret embargoed draft").is_live  # published on Blogger since
    assert Comment.objects.filter(text="First & better").count() == 1
    assert Comment.objects.get(text="First & better").text_html == "<p>First &amp; better</p>"
    assert Comment.objects.get(text="Second!").status == Comment.Status.REMOVED  # not re-approved
    assert Article.objects.count() == 4 and Comment.objects.count() == 3


def test_a_failed_import_is_undone_whole_even_after_batches_committed(tmp_path, monkeypatch):
    from articles.importers import blogger_import
    from comments.importers import blogger as comment_importers

    run_import(tmp_path, FIELD_NOTES)
    before = sorted(Article.objects.values_list("title", "status"))
    changed = FIELD_NOTES.replace(b"Rivers in winter", b"Rivers renamed") + b""
    changed = changed.replace(
        b"</feed>", takeout_entry(77, title="Brand new", body="y").encode() + b"</feed>"
    )
    monkeypatch.setattr(blogger_import, "BATCH_SIZE", 2)

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(comment_importers, "thread", explode)
    with pytest.raises(RuntimeError):
        run_import(tmp_path, changed)
    assert sorted(Article.objects.values_list("title", "status")) == before
    assert ImportRun.objects.filter(status=ImportRun.Status.UNDONE).count() == 1


def test_an_interrupted_run_is_undone_before_the_next(tmp_path):
    from articles.importers.journal import Journal

    journal = Journal.start("killed run")
    journal.created(Topic.objects.create(name="Half-imported", slug="half-imported"))
    out = run_import(tmp_path, FIELD_NOTES)
    assert "An interrupted import of killed run was undone first." in out
    assert not Topic.objects.filter(name="Half-imported").exists()


def test_old_feed_and_label_addresses_redirect(client, tmp_path):
    run_import(tmp_path, FIELD_NOTES)
    rivers = Article.objects.get(title="Rivers in winter")
    assert client.get("/feeds/posts/default")["Location"] == "/feed/atom/"
    assert client.get("/feeds/posts/default", {"alt": "rss"})["Location"] == "/feed/"
    assert client.get("/feeds/comments/default")["Location"] == "/comments/feed/atom/"
    response = client.get("/feeds/1/comments/default")
    assert response.status_code == 301
    assert response["Location"] == f"/essays/{rivers.slug}/comments/feed/atom/"
    assert client.get("/feeds/2/comments/default").status_code == 404  # a draft's
    assert client.get("/search/label/Hydrology")["Location"] == "/topics/hydrology/"
    assert client.get("/feeds/posts/default/-/Winter")["Location"] == "/topics/winter/feed/atom/"
    assert client.get("/search/label/Nothing").status_code == 404


def test_non_latin_blog_author_and_label_names_get_readable_slugs(tmp_path):
    feed = takeout_feed(
        takeout_entry(1, title="한국어 제목", body="x", filename="/2015/11/blog-post_22.html",
                      labels=["日本語", "Экономика"], author="Сергей Петров"),
        title="서울 노트",
    )  # fmt: skip
    run_import(tmp_path, feed)
    article = Article.objects.get()
    assert article.slug == "hangugeo-jemog"  # Blogger's blog-post_22 placeholder is no slug
    assert article.section.slug == "seoul-noteu"
    assert sorted(Topic.objects.values_list("slug", flat=True)) == ["ekonomika", "ribenyu"]
    assert article.author_list[0].slug == "sergey-petrov"


def test_embeds_become_links_and_scripts_leave_a_note(client, tmp_path):
    body = (
        "<p>Watch:</p><iframe width='560' src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe>"
        "<iframe src='https://player.vimeo.com/video/22053820?title=0'></iframe>"
        "<script src='https://gist.github.com/octo/abc123.js'></script>"
        "<p>Line<br># not a heading</p>"
        "<span style='font-weight:bold'>loud</span> <span style='font-style: italic'>soft</span>"
    )
    run_import(tmp_path, takeout_feed(takeout_entry(1, title="Media", body=body)))
    page = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page
    assert 'href="https://vimeo.com/22053820"' in page
    assert "Embedded content removed" in page and "https://gist.github.com/octo/abc123" in page
    assert "<iframe" not in page and '<script src="https://gist' not in page
    assert "<h1># not" not in page and "# not a heading" in page
    assert "<strong>loud</strong>" in page and "<em>soft</em>" in page


def test_deep_nesting_imports_without_crashing(tmp_path):
    body = "<div>" * 5000 + "deep text" + "</div>" * 5000
    run_import(tmp_path, takeout_feed(takeout_entry(1, title="Deep", body=body)))
    assert "deep text" in Article.objects.get().body_html


def test_truncated_and_oversized_files_are_refused(tmp_path):
    with pytest.raises(CommandError, match="ends early"):
        run_import(tmp_path, FIELD_NOTES[: len(FIELD_NOTES) // 2])
    with pytest.raises(CommandError, match="over the 1 MB limit"):
        run_import(tmp_path, FIELD_NOTES + b"<!--" + b"x" * 1_100_000 + b"-->", "--max-size", "1")
    assert not Article.objects.exists() and not Section.objects.exists()


def test_the_pelican_fixture_with_an_undeclared_prefix_is_repaired(tmp_path):
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "blogger"
    out = io.StringIO()
    call_command("import_blogger", str(corpus / "legacy-pelican-bloggerexport.xml"), stdout=out)
    assert "uses XML prefixes it never declares" in out.getvalue()
    assert Article.objects.filter(status="draft").count() == 1


def test_copy_images_brings_pictures_into_the_media_library(
    client, tmp_path, settings, picture_server, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    body = (
        f'<a href="{picture_server}/big.png"><img src="{picture_server}/small.png" alt="Teal"></a>'
        f'<img src="{picture_server}/missing.jpg">'
    )
    with django_capture_on_commit_callbacks(execute=True):  # renditions: a task, on commit
        out = run_import(
            tmp_path, takeout_feed(takeout_entry(1, title="Pics", body=body)), "--copy-images"
        )
    image = Image.objects.get()
    assert image.source_url == f"{picture_server}/big.png" and image.alt_text == "Teal"
    assert image.renditions and image.width == 900
    assert f"image {picture_server}/big.png: copied as image #{image.pk}" in out
    assert f"image {picture_server}/missing.jpg: not copied" in out
    html = Article.objects.get().body_html
    assert image.fallback_url in html and image.file.url in html
    assert f"{picture_server}/missing.jpg" in html  # kept as a link to the original
    # A second run finds the copy and fetches nothing again.
    out = run_import(
        tmp_path, takeout_feed(takeout_entry(1, title="Pics", body=body)), "--copy-images"
    )
    assert Image.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_pictures_are_copied_by_the_worker_then_the_essay_switches_to_them(
    tmp_path, settings, picture_server
):
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    body = f'<a href="{picture_server}/big.png"><img src="{picture_server}/small.png"></a>'
    out = run_import(
        tmp_path, takeout_feed(takeout_entry(1, title="Pics", body=body)), "--copy-images"
    )
    assert f"image {picture_server}/big.png: queued for the task worker" in out
    assert "db_worker" in out
    assert not Image.objects.exists()  # the command downloads nothing itself
    html = Article.objects.get().body_html
    assert f'src="{picture_server}/small.png"' in html  # still Blogger's until ours is ready
    task = DBTaskResult.objects.get(task_path__startswith="articles.")
    assert task.task_path == "articles.tasks.copy_imported_picture"
    assert task.priority < 0  # behind the site's own work (notices, editors' uploads)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    image = Image.objects.get()
    assert image.source_url == f"{picture_server}/big.png" and image.renditions
    copied = DBTaskResult.objects.get(task_path="articles.tasks.copy_imported_picture")
    assert copied.return_value.startswith(f"copied as image #{image.pk}")
    html = Article.objects.get().body_html
    assert f'src="{image.fallback_url}"' in html and f'href="{image.file.url}"' in html
    assert image.fallback_url != image.file.url  # a rendition, not the full-size original
    assert picture_server not in html


def test_a_failed_first_import_is_undone_whole_authors_included(tmp_path, monkeypatch):
    from comments.importers import blogger as comment_importers

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(comment_importers, "thread", explode)
    with pytest.raises(RuntimeError):
        run_import(tmp_path, FIELD_NOTES)
    assert not Article.objects.exists() and not Author.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.UNDONE
