"""import_wordpress on small hand-made exports: what each WordPress status, comment state and old
address becomes, and what is refused."""

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Image, ImportRun, LegacyRedirect, Page, Topic
from comments.models import Comment

pytestmark = pytest.mark.django_db

SITE = "https://old.example"


def item(post_id, title, *, status="publish", kind="post", slug=None, body="Words.", date="2019-03-14 09:30:00",
         password="", categories=(), tags=(), comments="", excerpt="", creator="jo", meta=""):  # fmt: skip
    slug = slug if slug is not None else title.lower().replace(" ", "-")
    terms = "".join(
        f'<category domain="category" nicename="{c.lower()}"><![CDATA[{c}]]></category>'
        for c in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{t.lower()}"><![CDATA[{t}]]></category>'
        for t in tags
    )
    return f"""<item><title>{title}</title><link>{SITE}/{date[:4]}/{date[5:7]}/{slug}/</link>
<dc:creator>{creator}</dc:creator><guid isPermaLink="false">{SITE}/?p={post_id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order><wp:post_type>{kind}</wp:post_type>
<wp:post_password>{password}</wp:post_password>{terms}{meta}{comments}</item>"""


def comment(
    comment_id,
    text,
    *,
    approved="1",
    parent=0,
    kind="",
    email="reader@example.org",
    ip="203.0.113.9",
):
    return f"""<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {comment_id}]]></wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email><wp:comment_author_url>https://reader.example</wp:comment_author_url>
<wp:comment_author_IP>{ip}</wp:comment_author_IP><wp:comment_date>2019-03-15 10:00:0{comment_id % 10}</wp:comment_date>
<wp:comment_date_gmt>2019-03-15 10:00:0{comment_id % 10}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text}]]></wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def wxr(*items, namespace="https://wordpress.org/export/1.2/"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{namespace}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{namespace}"><channel>
<title>Old Essays</title><link>{SITE}</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>jo</wp:author_login><wp:author_display_name><![CDATA[Jo Marsh]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>politics</wp:category_nicename><wp:cat_name><![CDATA[Politics]]></wp:cat_name>
<wp:category_description><![CDATA[Who decides.]]></wp:category_description></wp:category>
{"".join(items)}</channel></rss>"""


def run(tmp_path, text, *args):
    path = tmp_path / "export.xml"
    path.write_text(text)
    call_command("import_wordpress", str(path), *args)


STATUSES = wxr(
    item(1, "Published", comments=comment(11, "Well argued.") + comment(12, "Held one", approved="0")
         + comment(13, "Buy pills", approved="spam") + comment(14, "Binned", approved="trash")
         + comment(15, "A reply", parent=11) + comment(16, "Linked you", kind="pingback")),
    item(2, "Scheduled", status="future", date="2031-05-01 08:00:00"),
    item(3, "Draft", status="draft"),
    item(4, "Pending review", status="pending"),
    item(5, "Private", status="private"),
    item(6, "Trashed", status="trash"),
    item(7, "Auto draft", status="auto-draft"),
    item(8, "Locked", password="secret"),
    item(9, "About", kind="page", slug="about"),
    item(10, "Menu", kind="nav_menu_item"),
)  # fmt: skip


def test_each_wordpress_status_becomes_ours_and_nothing_unpublished_is_public(
    tmp_path, client, capsys
):
    run(tmp_path, STATUSES)
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {
        "Published": "published", "Scheduled": "published", "Draft": "draft",
        "Pending review": "draft", "Private": "draft", "Locked": "draft",
    }  # fmt: skip
    assert list(Article.objects.published().values_list("title", flat=True)) == ["Published"]
    assert Article.objects.get(title="Scheduled").is_scheduled
    for title in ("Scheduled", "Draft", "Pending review", "Private", "Locked"):
        article = Article.objects.get(title=title)
        assert client.get(article.get_absolute_url()).status_code == 404
        assert client.get(f"/2019/03/{article.slug}/").status_code == 404
    out = capsys.readouterr().out
    assert "“Locked” was password-protected on WordPress: imported as a draft" in out
    assert "its WordPress status is “trash”" in out and "“auto-draft”" in out
    assert "1 item of type “nav_menu_item” not imported" in out
    assert Page.objects.get(slug="about").status == Page.Status.PUBLISHED


def test_comments_keep_their_status_thread_and_owner_data_but_show_only_approved(tmp_path, client):
    run(tmp_path, STATUSES)
    comments = {c.text: c for c in Comment.objects.all()}
    assert {text: c.status for text, c in comments.items()} == {
        "Well argued.": "approved", "Held one": "pending", "Buy pills": "spam",
        "Binned": "removed", "A reply": "approved",
    }  # pingbacks are not readers' comments  # fmt: skip
    assert comments["A reply"].in_reply_to == comments["Well argued."]
    assert comments["A reply"].parent == comments["Well argued."]
    assert comments["Well argued."].author_email == "reader@example.org"
    assert comments["Well argued."].ip_address == "203.0.113.9"
    page = client.get(Article.objects.get(title="Published").get_absolute_url()).content.decode()
    assert "Well argued." in page and "A reply" in page
    for private in (
        "Held one",
        "Buy pills",
        "Binned",
        "Linked you",
        "reader@example.org",
        "203.0.113.9",
    ):
        assert private not in page
    assert Article.objects.get(title="Published").comment_count == 2


def test_old_addresses_lead_to_the_new_pages(tmp_path, client):
    text = wxr(item(21, "On power", categories=["Politics"], tags=["Essay"]))
    run(tmp_path, text, "--permalink-structure", "/%year%/%monthnum%/%day%/%postname%/")
    article = Article.objects.get(title="On power")
    topic = Topic.objects.get(name="Politics")
    assert topic.description == "Who decides."
    expected = {
        "/2019/03/on-power/": article.get_absolute_url(),  # the item's own <link>
        "/2019/03/14/on-power/": article.get_absolute_url(),  # the permalink structure
        "/2019/03/14/on-power": article.get_absolute_url(),  # a structure with no end slash
        "/archive": "/archive/",  # APPEND_SLASH still works for our own addresses
        "/?p=21": article.get_absolute_url(),
        "/category/politics/": topic.get_absolute_url(),
        "/tag/essay/": Topic.objects.get(name="Essay").get_absolute_url(),
        "/author/jo/": article.authors.get().get_absolute_url(),
        "/2019/03/14/on-power/feed/": f"/essays/{article.slug}/comments/feed/",
        "/category/politics/feed/": "/topics/politics/feed/",
        "/feed/rss2/": "/feed/",
        "/?s=power": "/search/?q=power",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert response.status_code == 301, old
        if new:
            assert response["Location"] == new, old
    assert client.get("/comments/feed/").status_code == 200  # WordPress's address is ours too
    assert client.get("/2019/03/14/no-such-post/").status_code == 404
    assert client.get("/no-such-page").status_code == 404  # not first a 301 to "/no-such-page/"
    assert client.get("/?p=999").status_code == 404


def test_an_old_address_of_a_draft_is_a_404(tmp_path, client):
    run(tmp_path, wxr(item(31, "Not yet", status="draft", categories=["Politics"])))
    assert LegacyRedirect.objects.filter(article__title="Not yet").exists()
    assert client.get("/?p=31").status_code == 404
    assert client.get("/2019/03/not-yet/").status_code == 404
    assert client.get("/category/politics/").status_code == 404  # only a draft is filed there
    assert client.get("/author/jo/").status_code == 404


def test_content_is_rendered_as_wordpress_readers_saw_it(tmp_path, capsys):
    classic = (
        "First paragraph\nwith a line break.\n\nSecond paragraph.\n\n"
        '[caption id="attachment_5" width="300"]<img src="https://old.example/pic.jpg" alt="A pier"> '
        'The pier at dusk[/caption]\n\n[audio src="x.mp3"]'
    )
    blocks = (
        "<!-- wp:paragraph -->\n<p>A block\nparagraph.</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:latest-posts /-->"
    )
    run(tmp_path, wxr(item(41, "Classic", body=classic), item(42, "Blocks", body=blocks)))
    html = Article.objects.get(title="Classic").body_html
    assert "<p>First paragraph<br>\nwith a line break.</p>" in html
    assert "<p>Second paragraph.</p>" in html
    assert '<figure><img src="https://old.example/pic.jpg" alt="A pier">' in html
    assert "<figcaption>The pier at dusk</figcaption>" in html
    assert '[audio src="x.mp3"]' in html  # left visible, and named in the summary
    html = Article.objects.get(title="Blocks").body_html
    assert "wp:paragraph" not in html and "<p>A block\nparagraph.</p>" in html  # no <br> added
    out = capsys.readouterr().out
    assert "“Classic” shows these shortcodes as text: [audio]" in out
    assert "“Blocks” leaves out blocks only WordPress draws: wp:latest-posts" in out


def test_the_excerpt_is_the_standfirst_or_the_first_paragraph(tmp_path):
    run(tmp_path, wxr(item(51, "With", excerpt="<em>The</em> point, briefly."),
                      item(52, "Without", body="Opening words here.\n\nMore.")))  # fmt: skip
    assert Article.objects.get(title="With").standfirst == "The point, briefly."
    assert Article.objects.get(title="Without").standfirst == "Opening words here."


def test_section_from_category_and_bylines(tmp_path):
    run(
        tmp_path,
        wxr(item(61, "Filed", categories=["Politics"], tags=["Essay"])),
        "--section-from-category",
    )
    article = Article.objects.get(title="Filed")
    assert article.section.name == "Politics"
    assert list(article.topics.values_list("name", flat=True)) == ["Essay"]
    assert [a.name for a in article.author_list] == ["Jo Marsh"]


def test_a_re_import_updates_what_changed_and_duplicates_nothing(tmp_path):
    run(tmp_path, STATUSES)
    counts = (Article.objects.count(), Comment.objects.count(), LegacyRedirect.objects.count())
    run(tmp_path, STATUSES.replace("Well argued.", "Well argued, indeed."))
    assert (
        Article.objects.count(),
        Comment.objects.count(),
        LegacyRedirect.objects.count(),
    ) == counts
    assert Comment.objects.filter(text="Well argued, indeed.").exists()


def test_a_post_trashed_since_the_last_import_is_withdrawn(tmp_path, client):
    run(tmp_path, wxr(item(61, "Second thoughts")))
    article = Article.objects.get(title="Second thoughts")
    assert client.get(article.get_absolute_url()).status_code == 200
    run(tmp_path, wxr(item(61, "Second thoughts", status="trash")))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/?p=61").status_code == 404
    # Its history says so: the newest revision, the import's, holds it as a draft.
    from reversion.models import Version

    newest = Version.objects.get_for_object(article).first()
    assert newest.field_dict["status"] == "draft"
    assert newest.revision.comment.startswith("Imported from ")


def test_dry_run_changes_nothing(tmp_path, capsys):
    run(tmp_path, STATUSES, "--dry-run")
    assert (
        "Would import export.xml: new 2 essays, 4 drafts, 1 pages, 5 comments"
        in capsys.readouterr().out
    )
    assert not Article.objects.exists() and not Comment.objects.exists()


def test_a_failed_import_is_undone_whole(tmp_path, monkeypatch):
    from comments.importers import wordpress as comment_importer

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(comment_importer, "_thread", explode)
    with pytest.raises(RuntimeError):
        run(tmp_path, STATUSES)
    assert (
        not Article.objects.exists() and not Page.objects.exists() and not Comment.objects.exists()
    )
    assert not LegacyRedirect.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.UNDONE


@pytest.mark.parametrize(
    "text, message",
    [
        ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>', "Atom feed"),
        ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
         "no wp: export namespace"),
        ("not xml at all", "not well-formed XML"),
        (wxr(item(1, "Cut")).rsplit("</item>", 1)[0], "ends early"),
        ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss/>', "entity declarations"),
        (wxr(), "holds no posts or pages"),
    ],
)  # fmt: skip
def test_what_is_not_a_wordpress_export_is_refused_clearly(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, text)
    assert not Article.objects.exists() and not ImportRun.objects.exists()


def test_wxr_1_0_in_the_http_namespace_imports(tmp_path):
    run(tmp_path, wxr(item(71, "Old format"), namespace="http://wordpress.org/export/1.0/"))
    assert Article.objects.published().filter(title="Old format").exists()


def attachment(post_id, url, *, parent=0, alt="", caption=""):
    return f"""<item><title>Picture {post_id}</title><wp:post_id>{post_id}</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:post_parent>{parent}</wp:post_parent>
<wp:attachment_url>{url}</wp:attachment_url><excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[{alt}]]></wp:meta_value></wp:postmeta></item>"""


def test_featured_image_and_gallery_become_figures_and_copy_images_copies_them(
    tmp_path, settings, picture_server, django_capture_on_commit_callbacks, capsys
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    featured = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>91</wp:meta_value></wp:postmeta>"
    text = wxr(
        attachment(
            91, f"{picture_server}/big.png", parent=81, alt="Teal field", caption="A teal field"
        ),
        attachment(92, f"{picture_server}/missing.jpg", parent=81, alt="Gone"),
        item(81, "Pictures", body='Look.\n\n[gallery ids="92"]', meta=featured),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, text, "--copy-images")
    html = Article.objects.get(title="Pictures").body_html
    assert html.index("<figcaption>A teal field</figcaption>") < html.index(
        "<p>Look.</p>"
    )  # on top
    assert html.count("<figure>") == 2  # the featured picture on top, the gallery's below
    assert 'alt="Gone"' in html and f"{picture_server}/missing.jpg" in html  # kept as a link
    image = Image.objects.get()
    assert image.source_url == f"{picture_server}/big.png" and image.renditions
    assert image.fallback_url in html
    out = capsys.readouterr().out
    assert f"image {picture_server}/big.png: copied as image #{image.pk}" in out
    assert f"image {picture_server}/missing.jpg: not copied" in out


def test_imported_essays_are_found_by_search_with_their_authors(tmp_path, client):
    run(tmp_path, wxr(item(101, "On rivers", body="Floodplains and the politics of levees.")))
    for query in ("levees", "Marsh"):  # a word of the body; the author's display name
        page = client.get("/search/", {"q": query}).content.decode()
        assert "On rivers" in page, query


def test_replies_that_answer_each_other_are_still_shown(tmp_path, client):
    run(tmp_path, wxr(item(111, "Loop", comments=comment(1, "First words", parent=2)
                                                  + comment(2, "Second words", parent=1))))  # fmt: skip
    page = client.get(Article.objects.get(title="Loop").get_absolute_url()).content.decode()
    assert "First words" in page and "Second words" in page


def test_a_re_import_keeps_what_editors_and_moderators_decided_here(tmp_path, client):
    import reversion

    from comments.services import moderate_comments

    text = wxr(item(121, "Taken down", comments=comment(1, "Rude words")))
    run(tmp_path, text)
    article = Article.objects.get(title="Taken down")
    with reversion.create_revision():
        reversion.set_comment("Unpublished by an editor.")
        article.status = Article.Status.DRAFT
        article.save()
    moderate_comments(comments=Comment.objects.all(), status=Comment.Status.REMOVED, moderator=None)
    run(
        tmp_path,
        text.replace("Words.", "Words, edited on WordPress.").replace("Rude words", "Ruder"),
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and "edited on WordPress" in article.body_html
    assert Comment.objects.get().status == Comment.Status.REMOVED
    assert client.get(article.get_absolute_url()).status_code == 404


def test_odd_values_never_stop_the_import_with_a_traceback(tmp_path):
    meta = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key><wp:meta_value>{value}</wp:meta_value></wp:postmeta>"
        for key, value in [("_essay_authors", "5"), ("_essay_old_paths", "[1]"), ("_essay_images", "[1]"),
                           ("_essay_body", "[image:3]"), ("_essay_body_format", "x" * 40),
                           ("_essay_published_at", "0001-01-01T00:00:00+05:00")]
    )  # fmt: skip
    text = wxr(
        item(131, "Far future", date="9999-12-31 23:59:59", comments=comment(1, "Then")),
        item(132, "Ours, oddly", meta=meta),
        item(133, "Odd order", body="Fine.").replace("<wp:menu_order>0", "<wp:menu_order>²"),
    )
    run(tmp_path, text)
    assert Article.objects.get(title="Far future").status == Article.Status.DRAFT  # no usable date
    assert Article.objects.get(title="Ours, oddly").body_format == "markdown"
    assert Article.objects.filter(title="Odd order").exists()


def test_the_permalink_structure_uses_the_sites_own_clock(tmp_path, client):
    late = (
        item(141, "Late", date="2019-03-31 22:30:00")
        .replace("<wp:post_date_gmt>2019-03-31 22:30:00", "<wp:post_date_gmt>2019-04-01 02:30:00")
        .replace(f"<link>{SITE}/", "<link>https://elsewhere.example/")
    )  # its <link> is no help
    run(tmp_path, wxr(late), "--permalink-structure", "/%year%/%monthnum%/%day%/%postname%/")
    assert client.get("/2019/03/31/late/").status_code == 301


def test_addresses_with_a_nul_are_a_404(client):
    assert client.get("/%00/").status_code == 404
    assert client.get("/?p=%00").status_code == 404
    assert client.get("/2019/03/%00.html").status_code == 404
