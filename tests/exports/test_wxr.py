"""The WXR file: what WordPress's importer needs to accept it, and every kind with the fields
import_wordpress reads back (the contract in docs/export.md)."""

import io
import json
import re
from datetime import UTC

import pytest
from defusedxml import ElementTree

from articles.models import Author
from exports.wxr import cdata, clean, write_wxr

WP = "{http://wordpress.org/export/1.2/}"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
ESSAY = "{urn:essay-review:export:1}"


def export() -> str:
    out = io.StringIO()
    write_wxr(out)
    return out.getvalue()


@pytest.fixture
def wxr(site):
    return export()


@pytest.fixture
def channel(wxr):
    return ElementTree.fromstring(wxr.encode()).find("channel")


def items(channel, post_type):
    return [i for i in channel.findall("item") if i.findtext(f"{WP}post_type") == post_type]


def item_named(channel, slug):
    (found,) = [i for i in channel.findall("item") if i.findtext(f"{WP}post_name") == slug]
    return found


def meta(item, tag="postmeta"):
    return {
        m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value") for m in item.iter(f"{WP}{tag}")
    }


def comments_of(item):
    return {int(c.findtext(f"{WP}comment_id")): c for c in item.findall(f"{WP}comment")}


# --- What WordPress's importer checks ------------------------------------------------------


def test_the_file_is_what_wordpress_importer_accepts(wxr):
    """Its SimpleXML parser refuses a DOCTYPE and wants /rss/channel/wp:wxr_version as
    digits.digits; its XML-extension parser matches the prefixes wp:, content:, excerpt:, dc:
    literally; its regular-expression fallback reads the version, the base URLs and each
    author from a single line, and items between <item> and </item> lines."""
    assert "<!DOCTYPE" not in wxr
    root = ElementTree.fromstring(wxr.encode())
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert re.fullmatch(r"\d+\.\d+", channel.findtext(f"{WP}wxr_version")) is not None
    for prefix, uri in {
        "wp": "http://wordpress.org/export/1.2/",
        "excerpt": "http://wordpress.org/export/1.2/excerpt/",
        "content": "http://purl.org/rss/1.0/modules/content/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "wfw": "http://wellformedweb.org/CommentAPI/",
    }.items():
        assert f'xmlns:{prefix}="{uri}"' in wxr
    lines = wxr.split("\n")  # as PHP's fgets() reads them
    assert any(re.search(r"<wp:wxr_version>\d+\.\d+</wp:wxr_version>", line) for line in lines)
    for tag in ("wp:base_site_url", "wp:base_blog_url"):
        (line,) = [line for line in lines if f"<{tag}>" in line]
        assert re.search(f"<{tag}>https://essays.example.org</{tag}>", line)
    author_lines = [line for line in lines if "<wp:author>" in line]
    assert len(author_lines) == Author.objects.count() == 3
    assert all(line.endswith("</wp:author>") for line in author_lines)
    assert lines.count("<item>") == lines.count("</item>") == len(channel.findall("item"))
    for category in re.findall(r"<category [^>]*>", wxr):
        assert re.fullmatch(r'<category domain="[^"]+" nicename="[^"]+">', category)


def test_channel_header(channel):
    assert channel.findtext("title") == "The Essay Review"
    assert channel.findtext("link") == "https://essays.example.org"
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == "https://essays.example.org"
    assert channel.findtext(f"{WP}base_blog_url") == "https://essays.example.org"
    assert channel.findtext("generator").startswith("Essay Review ")
    assert channel.findtext("language") == "en-gb"
    assert channel.findtext("pubDate")


def test_channel_children_keep_wordpress_order(channel):
    order = [child.tag for child in channel if child.tag.startswith(WP) or child.tag == "item"]
    kinds = [tag for n, tag in enumerate(order) if n == 0 or order[n - 1] != tag]
    assert kinds[-4:] == [f"{WP}author", f"{WP}category", f"{WP}tag", "item"]
    types = [item.findtext(f"{WP}post_type") for item in channel.findall("item")]
    assert types == sorted(types, key=["attachment", "page", "post"].index)


# --- Every kind, with the contract's fields -------------------------------------------------


def test_authors_sections_and_topics(site, channel):
    authors = {a.findtext(f"{WP}author_login"): a for a in channel.findall(f"{WP}author")}
    ines = authors[site.published.author_list[0].slug]
    assert ines.findtext(f"{WP}author_display_name") == "Inês Carvalho"
    assert ines.findtext(f"{WP}author_email") == ""  # authors' own addresses are not exported
    assert ines.findtext(f"{ESSAY}bio") == "Writes on cities.\r\nSecond line ]]> kept."
    assert authors[site.published.author_list[1].slug].find(f"{ESSAY}bio") is None  # empty
    (category,) = channel.findall(f"{WP}category")
    assert category.findtext(f"{WP}term_id") == str(site.published.section_id)
    assert category.findtext(f"{WP}category_nicename") == site.published.section.slug
    assert category.findtext(f"{WP}cat_name") == "Politics & Power"
    assert category.findtext(f"{WP}category_description") == "Who decides <and> how."
    tags = {t.findtext(f"{WP}tag_name"): t for t in channel.findall(f"{WP}tag")}
    assert set(tags) == {"Cities", "Water"}
    assert tags["Cities"].findtext(f"{WP}tag_slug") == site.published.topics.get(name="Cities").slug


def test_statuses_and_dates_of_essays(site, channel):
    status = {
        i.findtext(f"{WP}post_name"): i.findtext(f"{WP}status") for i in items(channel, "post")
    }
    assert status == {
        site.published.slug: "publish",
        site.html_essay.slug: "publish",
        site.scheduled.slug: "future",
        site.draft.slug: "draft",
    }
    draft = item_named(channel, site.draft.slug)
    assert draft.findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"
    assert draft.findtext(f"{WP}post_date") == f"{site.draft.created_at:%Y-%m-%d %H:%M:%S}"
    assert draft.findtext("link") == f"https://essays.example.org?p={site.draft.pk}"
    assert meta(draft)["_essay_published_at"] == ""
    scheduled = item_named(channel, site.scheduled.slug)
    assert scheduled.findtext("link") == f"https://essays.example.org?p={site.scheduled.pk}"
    assert (
        scheduled.findtext(f"{WP}post_date_gmt")
        == f"{site.scheduled.published_at:%Y-%m-%d %H:%M:%S}"
    )
    html = item_named(channel, site.html_essay.slug)
    assert html.findtext(f"{WP}comment_status") == "closed"


def test_a_published_essay_carries_every_contract_field(site, channel):
    essay = site.published
    item = item_named(channel, essay.slug)
    assert item.findtext("title") == "Rivers & Their Cities"
    assert item.findtext("link") == f"https://essays.example.org/essays/{essay.slug}/"
    assert item.findtext(f"{DC}creator") == essay.author_list[0].slug
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("guid") == "tag:blogger.com,1999:post-1"  # the source id
    assert item.findtext(f"{EXCERPT}encoded") == "Why <rivers> matter."
    content = item.findtext(f"{CONTENT}encoded")
    assert "<em>cities</em>" in content
    assert f'src="https://essays.example.org/media/{site.image.file.name}"' in content
    assert item.findtext(f"{WP}post_id") == str(essay.pk)
    assert item.findtext(f"{WP}comment_status") == "open"
    assert item.findtext(f"{WP}ping_status") == "closed"
    assert item.findtext(f"{WP}post_parent") == "0"
    assert item.findtext(f"{WP}menu_order") == "0"
    assert item.findtext(f"{WP}is_sticky") == "0"
    assert item.findtext(f"{WP}post_password") == ""
    terms = {(c.get("domain"), c.get("nicename"), c.text) for c in item.findall("category")}
    assert terms == {
        ("category", essay.section.slug, "Politics & Power"),
        *(("post_tag", t.slug, t.name) for t in essay.topics.all()),
    }
    values = meta(item)
    attachment_id = int(item_named(channel, f"image-{site.image.pk}").findtext(f"{WP}post_id"))
    assert values["_essay_body"] == essay.body  # Windows line ends and all
    assert "\r\n" in values["_essay_body"]
    assert values["_essay_body_format"] == "markdown"
    assert values["_essay_section"] == "Politics & Power"
    assert json.loads(values["_essay_authors"]) == [a.slug for a in essay.author_list]
    assert values["_essay_published_at"] == essay.published_at.isoformat().replace("+00:00", "Z")
    assert values["_essay_updated_at"].endswith("Z")
    assert values["_essay_seo_title"] == "Rivers"
    assert values["_essay_seo_description"] == ""
    assert values["_essay_source_id"] == "tag:blogger.com,1999:post-1"
    assert json.loads(values["_essay_old_paths"]) == ["/2019/03/rivers.html"]
    assert json.loads(values["_essay_images"]) == {str(site.image.pk): attachment_id}
    assert values["_thumbnail_id"] == str(attachment_id)


def test_post_ids_are_unique_across_kinds(site, channel):
    ids = [int(i.findtext(f"{WP}post_id")) for i in channel.findall("item")]
    assert len(ids) == len(set(ids)) == 4 + 2 + 1
    largest_essay = max(site.published.pk, site.draft.pk, site.scheduled.pk, site.html_essay.pk)
    page = item_named(channel, "about")
    assert int(page.findtext(f"{WP}post_id")) == largest_essay + site.page.pk
    attachment = item_named(channel, f"image-{site.image.pk}")
    largest_page = max(site.page.pk, site.draft_page.pk)
    assert int(attachment.findtext(f"{WP}post_id")) == largest_essay + largest_page + site.image.pk


def test_pages_and_attachments(site, channel):
    pages = {i.findtext(f"{WP}post_name"): i for i in items(channel, "page")}
    assert pages["about"].findtext(f"{WP}status") == "publish"
    assert (
        pages["about"].findtext("link")
        == f"https://essays.example.org{site.page.get_absolute_url()}"
    )
    assert pages["secret"].findtext("link").startswith("https://essays.example.org?p=")
    assert pages["secret"].findtext(f"{WP}status") == "draft"
    assert pages["secret"].findtext(f"{WP}menu_order") == "2"
    assert pages["about"].findtext(f"{EXCERPT}encoded") == ""
    assert json.loads(meta(pages["about"])["_essay_old_paths"]) == ["/p/about.html"]
    assert meta(pages["about"])["_essay_body"] == "About *us*."
    (attachment,) = items(channel, "attachment")
    assert attachment.findtext("title") == "A river at dusk"
    assert attachment.findtext(f"{EXCERPT}encoded") == "The Douro"
    assert attachment.findtext(f"{CONTENT}encoded") == ""
    assert attachment.findtext(f"{WP}post_parent") == "0"
    url = f"https://essays.example.org/media/{site.image.file.name}"
    assert attachment.findtext(f"{WP}attachment_url") == url
    values = meta(attachment)
    assert values["_wp_attached_file"] == site.image.file.name
    assert values["_wp_attachment_image_alt"] == "A river at dusk"
    assert values["_essay_image_credit"] == "Photo: A. Lens"
    assert "_essay_source_url" not in values


def test_every_comment_with_status_thread_and_history(site, channel):
    published = comments_of(item_named(channel, site.published.slug))
    assert list(published) == [
        site.approved.pk,
        site.reply.pk,
        site.deep_reply.pk,
        site.pending.pk,
        site.spam.pk,
    ]  # fmt: skip  (created order)
    approved = published[site.approved.pk]
    assert approved.findtext(f"{WP}comment_approved") == "1"
    assert approved.findtext(f"{WP}comment_content") == "First!\nSecond line."
    assert approved.findtext(f"{WP}comment_author") == site.approved.author_name
    assert approved.findtext(f"{WP}comment_author_email") == "first.reader@example.org"
    assert approved.findtext(f"{WP}comment_author_url") == "https://reader.example.net/"
    assert approved.findtext(f"{WP}comment_author_IP") == "192.0.2.7"
    assert approved.findtext(f"{WP}comment_type") == "comment"
    assert approved.findtext(f"{WP}comment_parent") == "0"
    assert approved.findtext(f"{WP}comment_user_id") == "0"
    assert (
        approved.findtext(f"{WP}comment_date_gmt")
        == f"{site.approved.created_at:%Y-%m-%d %H:%M:%S}"
    )
    assert meta(approved, "commentmeta") == {
        "_essay_notify_replies": "1",
        "_essay_created_at": site.approved.created_at.astimezone(UTC)
        .isoformat()
        .replace("+00:00", "Z"),
    }
    assert published[site.reply.pk].findtext(f"{WP}comment_parent") == str(site.approved.pk)
    deep = published[site.deep_reply.pk]
    assert deep.findtext(f"{WP}comment_parent") == str(site.reply.pk)  # what it answered
    assert json.loads(meta(deep, "commentmeta")["_essay_thread"]) == {
        "parent": site.approved.pk,
        "in_reply_to": site.reply.pk,
    }
    assert published[site.deep_reply.pk].findtext(f"{WP}comment_author_IP") == ""
    pending = published[site.pending.pk]
    assert pending.findtext(f"{WP}comment_approved") == "0"
    assert meta(pending, "commentmeta")["_essay_held_reasons"] == "first comment\ncontains a link"
    spam = published[site.spam.pk]
    assert spam.findtext(f"{WP}comment_approved") == "spam"
    (history,) = [json.loads(meta(spam, "commentmeta")["_essay_moderation"])]
    assert [(h["status"], h["moderator"]) for h in history] == [("spam", "moderator")]
    removed = comments_of(item_named(channel, site.scheduled.slug))[site.removed.pk]
    assert removed.findtext(f"{WP}comment_approved") == "trash"
    history = json.loads(meta(removed, "commentmeta")["_essay_moderation"])
    assert [(h["status"], h["moderator"]) for h in history] == [
        ("removed", "moderator"),
        ("approved", None),
        ("removed", "moderator"),
    ]  # fmt: skip  (oldest first)
    assert all(h["at"].endswith("Z") for h in history)
    assert comments_of(item_named(channel, site.draft.slug)) == {}


def test_commenters_emails_are_only_in_their_comment_elements(site, wxr):
    """The file is the owner's copy, so it holds them; nowhere else (no content, no author)."""
    email = site.approved.author_email
    assert wxr.count(email) == 1
    assert f"<wp:comment_author_email>{email}</wp:comment_author_email>" in wxr
    assert "moderator@example.org" not in wxr  # moderators are named, never by address


# --- Escaping --------------------------------------------------------------------------------


def test_cdata_splits_its_terminator_and_keeps_carriage_returns():
    for value in ["a]]>b", "]]>", "x]]]>y", "line\r\nnext", "]]>\r]]>"]:
        wrapped = ElementTree.fromstring(f"<v>{cdata(value)}</v>".encode())
        assert wrapped.text == value


def test_characters_xml_cannot_carry_are_dropped(site, channel):
    assert clean("a\x00b\x01c\x0bd\ufffee\ud800f\tg\U0001f600") == "abcdef\tg\U0001f600"
    item = item_named(channel, site.html_essay.slug)
    assert meta(item)["_essay_body"] == "<p>Code: a[b[0]]> c  end</p>"
    assert "a[b[0]]&gt; c" in item.findtext(f"{CONTENT}encoded")


def test_an_empty_site_is_still_a_valid_file(db):
    channel = ElementTree.fromstring(export().encode()).find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findall("item") == []
