"""Every real Blogger export in ../shared/corpus/blogger imports with nothing a reader would
miss and nothing private made public.

What each file holds is read here straight from its XML (ElementTree and html.parser), never
through the importer, and compared with what an anonymous reader is served.
"""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, Page

from .corpus_import import imported_once
from .corpus_pages import Markup, Reader, comment_count, feed_items, listed, sitemap_paths

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "blogger"

ATOM = "{http://www.w3.org/2005/Atom}"
BLOGGER = "{http://schemas.google.com/blogger/2018}"  # Google Takeout's feed.atom
THR = "{http://purl.org/syndication/thread/1.0}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
BLOGGER_IMAGE_HOSTS = (".bp.blogspot.com", ".googleusercontent.com")


# The export, read independently -------------------------------------------------------------


def entries(path: Path) -> list[dict]:
    """The posts and pages of an export, each with the number of its live comments."""
    raw = path.read_bytes()
    if b"xmlns:app=" not in raw:  # the pelican fixture uses app: without declaring it
        raw = raw.replace(b"<feed ", b"<feed xmlns:app='http://purl.org/atom/app#' ", 1)
    found = [_entry(element) for element in ET.fromstring(raw).iter(f"{ATOM}entry")]
    replies = Counter(e["post"] for e in found if e["kind"] == "comment" and e["live"])
    return [
        entry | {"comments": replies[entry["id"]]}
        for entry in found
        if entry["kind"] in ("post", "page")
    ]


def _entry(element) -> dict:
    in_reply_to = element.find(f"{THR}in-reply-to")
    return {
        "kind": _kind(element),
        "id": _text(element, f"{ATOM}id"),
        "title": " ".join(_text(element, f"{ATOM}title").split()),
        "live": _live(element),
        "old_path": _old_path(element),
        "published": datetime.fromisoformat(_text(element, f"{ATOM}published")),
        "body": element.findtext(f"{ATOM}content") or "",
        # A comment's post: Takeout's blogger:parent, the legacy thr:in-reply-to ref.
        "post": _text(element, f"{BLOGGER}parent")
        or (in_reply_to.get("ref", "") if in_reply_to is not None else ""),
    }


def _text(element, name: str) -> str:
    return (element.findtext(name) or "").strip()


def _kind(element) -> str:
    if takeout_type := _text(element, f"{BLOGGER}type"):
        return takeout_type.lower()
    for category in element.findall(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            return category.get("term", "").rsplit("#", 1)[-1]
    return ""


def _live(element) -> bool:
    if element.find(f"{BLOGGER}status") is not None:
        return _text(element, f"{BLOGGER}status") == "LIVE"
    # <app:control><app:draft>yes</app:draft>, whatever namespace app: is bound to
    return not any(
        _local(control.tag) == "control"
        and _local(draft.tag) == "draft"
        and (draft.text or "").strip() == "yes"
        for control in element
        for draft in control
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _old_path(element) -> str | None:
    if filename := _text(element, f"{BLOGGER}filename"):
        return filename
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            return urlsplit(link.get("href")).path
    return None


def live_posts_by_month(posts: list[dict]) -> Counter:
    return Counter(_month(post["published"]) for post in posts if post["live"])


def _month(moment: datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)  # the site's time zone, as the archive counts
    return local.year, local.month


def longest_word(post: dict) -> str:
    words = re.findall(r"\w+", post["title"] or re.sub(r"<[^>]*>", " ", post["body"]))
    return max(words, key=len, default="")


# HTML, of the export's bodies and of our pages ----------------------------------------------


def as_served(url: str) -> str:
    """An address as the essay must keep it: Blogger's image hosts and `//host` over https."""
    url = re.sub(r"[\t\n\r]", "", url).strip()  # what a browser ignores in an address
    if url.startswith("//"):
        return "https:" + url
    parts = urlsplit(url)
    if parts.scheme.lower() == "http" and (parts.hostname or "").endswith(BLOGGER_IMAGE_HOSTS):
        return "https" + url[4:]
    return url


def source_images(body: str) -> set[str]:
    return {as_served(src) for src in Markup(body).images}


def source_links(body: str) -> set[str]:
    """The body's own web links (not embeds or scripts, which are not <a> elements)."""
    hrefs = (link["href"].strip() for link in Markup(body).links)
    return {as_served(href) for href in hrefs if re.match(r"(?i)(https?:)?//", href)}


def archive_counts(page: str) -> Counter:
    """The archive's "Month (N)" lines: (year, month) → N."""
    rows = re.findall(r'href="/archive/(\d{4})/(\d{2})/">[^<]*</a>\s*<span[^>]*>\((\d+)\)', page)
    return Counter({(int(year), int(month)): int(count) for year, month, count in rows})


# The tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(CORPUS.iterdir()), ids=lambda path: path.name)
def imported(request, django_db_blocker):
    """One corpus file, imported once for all the tests that read it (conftest.py)."""
    with imported_once(django_db_blocker, "import_blogger", request.param):
        yield request.param


@pytest.fixture(scope="module")
def reader(imported) -> Reader:
    return Reader()


@pytest.fixture
def export(imported, db) -> list[dict]:
    """What the imported file holds, as read independently."""
    return entries(imported)


def essay_url(client, post: dict) -> str:
    """Where a live post now lives: its old address's redirect, or its essay's address."""
    if post["old_path"]:
        response = client.get(post["old_path"])
        assert response.status_code == 301, post["old_path"]
        return response["Location"]
    return Article.objects.get(source_id=post["id"]).get_absolute_url()


def test_every_live_post_is_public_with_its_images_links_and_comments(reader, export):
    problems = []
    for post in (e for e in export if e["kind"] == "post" and e["live"]):
        name = post["old_path"] or post["id"]
        url = essay_url(reader, post)
        response = reader.get(url)
        if response.status_code != 200:
            problems.append(f"{name}: answers {response.status_code}")
            continue
        page = reader.markup(url)
        if post["title"] and escape(post["title"]) not in response.text:
            problems.append(f"{name}: title {post['title']!r} not on the page")
        if missing := source_images(post["body"]) - set(page.images):
            problems.append(f"{name}: images missing {sorted(missing)}")
        if missing := source_links(post["body"]) - {link["href"] for link in page.links}:
            problems.append(f"{name}: links missing {sorted(missing)}")
        if (shown := comment_count(page)) != post["comments"]:
            problems.append(f"{name}: {shown} comments shown, {post['comments']} in the file")
    assert problems == []


def test_drafts_are_public_nowhere(reader, export):
    posts = [e for e in export if e["kind"] == "post"]
    live = {essay_url(reader, post) for post in posts if post["live"]}
    drafts = [post for post in posts if not post["live"]]
    home = listed(reader, "/")
    feeds = feed_items(reader.get("/feed/").text) | feed_items(reader.get("/feed/atom/").text)
    sitemap = sitemap_paths(reader.get("/sitemap-essays.xml").text)
    pagers = set()
    for url in live:
        pagers |= set(reader.markup(url).hrefs(within="essay-pager"))
    live_titles = {post["title"] for post in posts if post["live"]}

    assert set(home) == live and sitemap == live
    if drafts:  # the search below finds what it should, so finding no draft means something
        titled = next(post for post in posts if post["live"] and post["title"])
        assert essay_url(reader, titled) in listed(reader, "/search/", {"q": longest_word(titled)})
    assert pagers <= live
    assert archive_counts(reader.get("/archive/").text) == live_posts_by_month(posts)
    for draft in drafts:
        article = Article.objects.get(source_id=draft["id"])
        url = article.get_absolute_url()
        assert article.status == Article.Status.DRAFT
        assert reader.get(url).status_code == 404
        if draft["old_path"]:
            assert reader.get(draft["old_path"]).status_code == 404
        year, month = _month(draft["published"])
        searched = listed(reader, "/search/", {"q": longest_word(draft)})
        # Listed titles, not the page text: a draft called "Biology" may be a word of a live
        # essay's standfirst, or of the search page's own heading.
        for where, shown in [
            ("/", home),
            ("the feeds", feeds),
            ("the search", searched),
            (f"/archive/{year}/{month:02}/", listed(reader, f"/archive/{year}/{month:02}/")),
        ]:
            assert url not in shown, f"{draft['title']!r} listed on {where}"
            if draft["title"] and draft["title"] not in live_titles:
                assert draft["title"] not in shown.values(), f"{draft['title']!r} on {where}"
        assert url not in sitemap and url not in pagers


def test_pages_keep_their_old_address_and_live_ones_are_in_the_footer(reader, export):
    footer = Markup(reader.get("/").text).hrefs(within="site-footer")
    for page in (e for e in export if e["kind"] == "page"):
        response = reader.get(page["old_path"]) if page["old_path"] else None
        if page["live"]:
            if response is not None:
                assert response.status_code == 301, page["old_path"]
                url = response["Location"]
            else:
                url = Page.objects.get(source_id=page["id"]).get_absolute_url()
            shown = reader.get(url)
            assert shown.status_code == 200 and escape(page["title"]) in shown.text
            assert footer.get(url) == page["title"]
        else:
            url = Page.objects.get(source_id=page["id"]).get_absolute_url()
            assert response is None or response.status_code == 404
            assert reader.get(url).status_code == 404 and url not in footer
