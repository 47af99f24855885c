"""Both importers, with sample files the project wrote itself (tests/data/)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, LegacyRedirect, Page, Section, Topic
from comments.models import Comment

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"
EXPORT = DATA / "blogger_export.xml"


def import_blogger(*args):
    call_command("import_blogger", str(EXPORT), *args)


def snapshot():
    return (
        sorted(Article.objects.values_list("slug", "status", "title")),
        sorted(Comment.objects.values_list("source_id", "parent__source_id", "status")),
        sorted(LegacyRedirect.objects.values_list("old_path", "article__slug")),
        sorted(Topic.objects.values_list("name", flat=True)),
    )


def test_blogger_export_posts_drafts_pages_topics_and_authors(capsys):
    import_blogger()
    out = capsys.readouterr()
    assert "new 2 essays, 1 drafts, 1 pages, 3 comments" in out.out
    assert "skipped Broken date: its published time “not a date” is not a date" in out.out
    assert "comment on a post that is not in the export" in out.out
    assert "] " in out.err and "/" in out.err  # the progress bar

    cranes = Article.objects.get(title="Cranes, Quays and the “Last Mile”")
    assert cranes.slug == "cranes-quays" and cranes.is_live
    assert cranes.section == Section.objects.get(name="Notes from the Harbour")
    assert cranes.published_at.isoformat() == "2023-03-14T08:30:00+00:00"
    assert cranes.updated_at.isoformat() == "2023-03-20T11:00:00+00:00"
    assert [a.name for a in cranes.author_list] == ["Inés Carvalho"]
    assert sorted(t.name for t in cranes.topics.all()) == ["Ports", "Trade policy"]
    assert cranes.standfirst == "The harbour authority met on Tuesday — again."
    assert cranes.body_format == "html" and "<b>bold</b>" in cranes.body_html
    assert cranes.body_html.count("<p>") == 3
    assert "<script" not in cranes.body_html and "onclick" not in cranes.body_html
    assert 'alert("x")' not in cranes.body_html

    russian = Article.objects.get(title="Почему порт молчит")
    assert [a.name for a in russian.author_list] == ["Аня Ковалёва"]
    assert russian.author_list[0].slug == "anya-kovaleva"
    assert russian.slug == "pochemu-port-molchit"  # Blogger's blog-post.html is no slug
    # Blogger's <div>…<br>…</div> posts keep their line break
    assert russian.body_html == "<div>Короткий текст о порте.<br>Вторая строка.</div>"
    draft = Article.objects.get(title="Unfinished thoughts on dredging")
    assert draft.status == Article.Status.DRAFT and not draft.legacy_paths.exists()
    about = Page.objects.get(title="About")
    assert about.status == Page.Status.PUBLISHED and about.body_html == "About page"


def test_blogger_comments_are_approved_and_threaded(client):
    import_blogger()
    cranes = Article.objects.get(slug="cranes-quays")
    first = Comment.objects.get(source_id__endswith="post-5001")
    reply = Comment.objects.get(source_id__endswith="post-5002")
    by_ref = Comment.objects.get(source_id__endswith="post-5003")
    assert first.article == cranes and first.parent is None
    assert reply.parent == first and reply.in_reply_to == first
    assert by_ref.parent == reply and by_ref.in_reply_to == reply and by_ref.depth == 2
    assert {c.status for c in (first, reply, by_ref)} == {"approved"}
    assert first.text == "Great piece.\n\nSecond paragraph & more."
    assert first.author_url == "https://marek.example.org/"
    assert first.author_email == ""  # Blogger's noreply@blogger.com is no address
    assert by_ref.author_url == ""  # a javascript: address is dropped
    assert first.created_at.isoformat() == "2023-03-15T09:00:00+00:00"
    cranes.refresh_from_db()
    assert cranes.comment_count == 3
    page = client.get(cranes.get_absolute_url()).text
    assert "3 comments" in page and "Thank you, Marek." in page


def test_old_blogger_addresses_redirect_permanently(client):
    import_blogger()
    cranes = Article.objects.get(slug="cranes-quays")
    response = client.get("/2023/03/cranes-quays.html")
    assert response.status_code == 301 and response["Location"] == cranes.get_absolute_url()
    russian = Article.objects.get(title="Почему порт молчит")
    assert client.get("/2023/11/blog-post.html")["Location"] == russian.get_absolute_url()
    assert client.get("/2023/03/unknown.html").status_code == 404
    reverse_url = reverse("articles:legacy-redirect", args=["2023/03/cranes-quays.html"])
    assert reverse_url == "/2023/03/cranes-quays.html"


def test_redirect_to_an_unpublished_essay_is_404(client):
    import_blogger()
    Article.objects.filter(slug="cranes-quays").update(status=Article.Status.DRAFT)
    assert client.get("/2023/03/cranes-quays.html").status_code == 404


def test_running_the_blogger_import_twice_creates_no_duplicates(capsys):
    import_blogger()
    first = snapshot()
    import_blogger()
    assert snapshot() == first
    out = capsys.readouterr().out
    assert "new 0 essays, 0 drafts, 0 pages, 0 comments" in out
    assert "unchanged 2 essays, 1 drafts, 1 pages, 3 comments" in out


def test_section_option_overrides_the_blog_title():
    import_blogger("--section", "Carnegie Politika")
    assert set(Article.objects.values_list("section__name", flat=True)) == {"Carnegie Politika"}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not xml at all", "not well-formed XML"),
        (
            b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>",
            "ends early",
        ),
        (b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", "not an Atom feed"),
        (
            b"<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title>"
            b"<entry><id>1</id><title>Plain Atom</title></entry></feed>",
            r"not a Blogger export \(no Blogger id, and entries of no known kind\)",
        ),
        (
            b"<feed xmlns='http://www.w3.org/2005/Atom'><id>tag:blogger.com,1999:blog-1</id>"
            b"<title>Empty</title></feed>",
            "holds no posts, pages or comments",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
            b"<!ENTITY lol2 '&lol;&lol;&lol;'>]><feed>&lol2;</feed>",
            "entity declarations are not allowed in an export",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE feed SYSTEM 'http://127.0.0.1/x.dtd'><feed/>",
            "document type declarations are not allowed in an export",
        ),
    ],
)
def test_bad_exports_get_a_clear_error_and_import_nothing(tmp_path, content, message):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_blogger", str(path))
    assert "Error(" not in str(error.value) and "Traceback" not in str(error.value)
    assert not Article.objects.exists() and not Section.objects.exists()


def test_missing_export_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_blogger", str(tmp_path / "nope.xml"))


def test_plain_text_essay_is_imported_as_a_draft(client, capsys):
    call_command("import_essay", str(DATA / "essay.txt"))
    article = Article.objects.get()
    assert article.section.name == "Carnegie Politika"
    assert article.title == "The Long Winter of the Rouble"
    assert article.standfirst.startswith("Sanctions, savings and the quiet arithmetic")
    assert article.status == Article.Status.DRAFT
    assert [a.name for a in article.author_list] == ["Editorial staff"]
    assert article.body_html.count("<p>") == 4
    assert "No comments" not in article.body and "Post a Comment" not in article.body
    assert "<p>1. This line starts like a list but is plain text &lt;b&gt;" in article.body_html
    assert "saved as a draft" in capsys.readouterr().out


def test_plain_text_essay_with_section_author_and_publish(client):
    call_command(
        "import_essay", str(DATA / "essay.txt"), "--section", "Dispatches", "--author",
        "Zoë Marchetti", "--publish",
    )  # fmt: skip
    article = Article.objects.get()
    assert article.section.name == "Dispatches" and article.is_live
    assert "Zoë Marchetti" in client.get(article.get_absolute_url()).text


def test_plain_text_essay_twice_is_refused():
    call_command("import_essay", str(DATA / "essay.txt"))
    with pytest.raises(CommandError, match="already in Carnegie Politika"):
        call_command("import_essay", str(DATA / "essay.txt"))
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "no headline"),
        ("Carnegie Politika\n\n\nNo comments:\nPost a Comment\n", "no headline"),
        ("Section\nHeadline only\n", "no standfirst"),
        ("Section\nHeadline\nStandfirst\nPost a Comment\n", "no body"),
    ],
)
def test_bad_text_files_get_a_clear_error(tmp_path, content, message):
    path = tmp_path / "essay.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_essay", str(path))
    assert not Article.objects.exists()


def test_non_utf8_text_file_is_refused(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_bytes(b"Section\nHeadline\nStandfirst\nBody\n" + b"\xff\xfe")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_essay", str(path))


def test_a_saved_blog_page_footer_is_cut_off_whole(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(
        "Politika\nHeadline\nStandfirst\nBody one.\nBody two.\nNo comments:\n"
        "Post a Comment\nNewer Post Older Post Home\nSubscribe to: Post Comments (Atom)\n",
        encoding="utf-8",
    )
    call_command("import_essay", str(path))
    article = Article.objects.get()
    assert article.body == "Body one.\n\nBody two."


def test_plain_text_essay_with_date_authors_and_topics(client):
    from articles.models import Author

    existing = Author.objects.create(name="Inés Carvalho", slug="ines-carvalho")
    Topic.objects.create(name="Water", slug="water")
    call_command(
        "import_essay", str(DATA / "essay.txt"), "--publish", "--date", "2019-03-04T08:30",
        "--author", "inés carvalho", "--author", "Zoë Marchetti", "--topic", "WATER",
        "--topic", "Money and banks", "--topic", "money-and-banks",
    )  # fmt: skip
    article = Article.objects.get()
    assert article.is_live
    local = timezone.localtime(article.published_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2019, 3, 4, 8, 30)
    assert article.author_list[0] == existing  # matched, whatever the case
    assert [a.name for a in article.author_list] == ["Inés Carvalho", "Zoë Marchetti"]
    assert sorted(t.name for t in article.topics.all()) == ["Money and banks", "Water"]
    assert Author.objects.count() == 2 and Topic.objects.count() == 2
    page = client.get(article.get_absolute_url()).text
    assert "Zoë Marchetti" in page and "4 March 2019" in page


def test_plain_text_essay_with_a_future_date_is_scheduled(client, capsys):
    future = timezone.localtime() + timedelta(days=30)
    call_command(
        "import_essay", str(DATA / "essay.txt"), "--publish", "--date", f"{future:%Y-%m-%d}"
    )
    article = Article.objects.get()
    assert article.is_scheduled and not article.is_live
    assert "scheduled for" in capsys.readouterr().out
    assert client.get(article.get_absolute_url()).status_code == 404


def test_plain_text_essay_with_a_date_but_no_publish_stays_a_draft():
    call_command("import_essay", str(DATA / "essay.txt"), "--date", "2020-01-02")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert timezone.localtime(article.published_at).date().isoformat() == "2020-01-02"


def test_import_keeps_one_revision_with_the_whole_essay():
    from reversion.models import Version

    call_command("import_essay", str(DATA / "essay.txt"), "--topic", "Money")
    article = Article.objects.get()
    version = Version.objects.get_for_object(article).get()
    assert version.field_dict["topics"] == [article.topics.get().pk]


@pytest.mark.parametrize(
    "options, message",
    [
        (["--date", "next tuesday"], "is not a date"),
        (["--date", "2025-13-01"], "is not a date"),
        (["--date", "2025-02-30T10:00"], "is not a date"),
        (["--date", "1899-12-31"], "out of range: give a year from 1900 to 2200"),
        (["--date", "2201-01-01T00:00"], "out of range: give a year from 1900 to 2200"),
        (["--author", "  "], "--author needs a name"),
        (["--topic", ""], "--topic needs a name"),
        (["--topic", "x" * 101], "too long"),
    ],
)
def test_bad_import_options_get_a_clear_error(options, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_essay", str(DATA / "essay.txt"), *options)
    assert "Traceback" not in str(error.value)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "zone, date",
    [("America/New_York", "9999-12-31T23:30"), ("Asia/Tokyo", "0001-01-01")],
)
def test_a_date_at_the_ends_of_the_calendar_is_a_clear_error(settings, zone, date):
    # In these zones the time, converted to UTC for the database, falls outside years 1-9999.
    settings.TIME_ZONE = zone
    with pytest.raises(CommandError, match="out of range: give a year from 1900 to 2200"):
        call_command("import_essay", str(DATA / "essay.txt"), "--publish", "--date", date)
    assert not Article.objects.exists()
