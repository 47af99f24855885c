"""Every real WordPress export in ../shared/corpus/wordpress imports with nothing a reader would
miss and nothing unpublished made public.

What each file holds is read here straight from its XML (ElementTree), never through the
importer, and compared with what an anonymous reader is served.
"""

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command

from articles.models import Article, Page

from .corpus_import import imported_once
from .corpus_pages import Markup, comment_count, feed_items, listed, sitemap_paths

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "wordpress"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


# The export, read independently -------------------------------------------------------------


def items(path: Path) -> list[dict]:
    """The posts and pages of an export, with their approved readers' comments."""
    raw = path.read_text()
    wp = "{" + re.search(r'xmlns:wp="([^"]+)"', raw).group(1) + "}"
    found = []
    for item in ET.fromstring(raw).iter("item"):
        kind = item.findtext(f"{wp}post_type")
        if kind not in ("post", "page"):
            continue
        comments = [
            " ".join(
                re.sub(
                    r"<[^>]*>", " ", html.unescape(c.findtext(f"{wp}comment_content") or "")
                ).split()
            )
            for c in item.iter(f"{wp}comment")
            if c.findtext(f"{wp}comment_approved") == "1"
            and c.findtext(f"{wp}comment_type") not in ("pingback", "trackback")
        ]
        found.append(
            {
                "kind": kind,
                "title": " ".join(html.unescape(item.findtext("title") or "").split()),
                "status": item.findtext(f"{wp}status"),
                "password": bool((item.findtext(f"{wp}post_password") or "").strip()),
                "link": (item.findtext("link") or "").strip(),
                "id": item.findtext(f"{wp}post_id"),
                "body": item.findtext(CONTENT) or "",
                "date": item.findtext(f"{wp}post_date_gmt"),
                "comments": [text for text in comments if text],
            }
        )
    return found


def is_public(item: dict) -> bool:
    return item["status"] == "publish" and not item["password"]


def images(body: str) -> set[str]:
    return {src.strip() for src in Markup(body).images}


def links(body: str) -> set[str]:
    return {
        link["href"].strip()
        for link in Markup(body).links
        if re.match(r"(?i)https?://", link["href"].strip())
    }


@pytest.fixture(scope="module", params=sorted(CORPUS.glob("*.xml")), ids=lambda path: path.name)
def imported(request, django_db_blocker):
    """One corpus file, imported once for all the tests that read it (conftest.py)."""
    with imported_once(django_db_blocker, "import_wordpress", request.param):
        yield request.param


@pytest.fixture
def export(imported, db) -> list[dict]:
    """What the imported file holds, as read independently."""
    return items(imported)


def old_path(item: dict) -> str:
    """The item's address on the old site, as a browser asks for it (one "/" for "//")."""
    parts = urlsplit(item["link"])
    return re.sub("/+", "/", parts.path) + (f"?{parts.query}" if parts.query else "")


def served(client, item: dict, export: list[dict]):
    """Follow the item's old address (its permalink, or ?p=ID) to where it lives now.

    A hand-edited file may give two posts one id (the pelican fixture does): then ?p=ID names
    neither, and the post is looked up by its headline.
    """
    if sum(other["id"] == item["id"] for other in export) > 1 and "?p=" in item["link"]:
        model = Page if item["kind"] == "page" else Article
        location = model.objects.get(title=item["title"]).get_absolute_url()
    else:
        response = client.get(old_path(item))
        assert response.status_code == 301, item["link"]
        location = response["Location"]
    page = client.get(location)
    assert page.status_code == 200, location
    return page


# The tests ----------------------------------------------------------------------------------


def test_every_published_post_is_public_with_its_images_links_and_comments(client, export):
    problems = []
    for post in (i for i in export if i["kind"] == "post" and is_public(i)):
        page = served(client, post, export)
        text = page.content.decode()
        plain = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())
        if post["title"] not in plain:
            problems.append(f"{post['title']}: headline missing")
        shown = Markup(text)
        if missing := images(post["body"]) - set(shown.images):
            problems.append(f"{post['title']}: images missing {missing}")
        if missing := links(post["body"]) - set(shown.hrefs()):
            problems.append(f"{post['title']}: links missing {missing}")
        if (count := comment_count(shown)) != len(post["comments"]):
            problems.append(f"{post['title']}: {count} comments shown, "
                            f"{len(post['comments'])} approved")  # fmt: skip
        problems += [f"{post['title']}: comment “{c[:40]}” missing" for c in post["comments"]
                     if c[:60] not in plain]  # fmt: skip
    assert not problems


def test_nothing_unpublished_is_public_anywhere(client, export):
    hidden = [i for i in export if not is_public(i)]
    public = [i for i in export if is_public(i) and i["kind"] == "post"]
    shown = (
        listed(client, "/")
        | {title: path for path, title in feed_items(client.get("/feed/").content).items()}
        | {path: path for path in sitemap_paths(client.get("/sitemap-essays.xml").content)}
    )
    listed_titles = set(shown.values()) | set(shown)
    for item in hidden:
        model = Page if item["kind"] == "page" else Article
        for row in model.objects.filter(title=item["title"][:200]):
            assert client.get(row.get_absolute_url()).status_code == 404, item["title"]
            assert row.get_absolute_url() not in listed_titles
        assert client.get(old_path(item)).status_code == 404, item["link"]
        if item["title"] and not any(item["title"] == p["title"] for p in public):
            assert item["title"] not in listed_titles
            found = listed(client, "/search/", {"q": f'"{item["title"]}"'})
            assert item["title"] not in found.values()


def test_pages_answer_at_their_old_addresses(client, export):
    pages = [i for i in export if i["kind"] == "page" and is_public(i)]
    assert pages
    for page in pages:
        response = served(client, page, export)
        assert html.escape(page["title"], quote=False) in response.content.decode()
        by_id = client.get(f"/?page_id={page['id']}")
        assert by_id.status_code in (301, 404)  # a repeated id answers for one page only


def test_scheduled_posts_go_live_at_their_time(client, export):
    scheduled = [i for i in export if i["status"] == "future"]
    for post in scheduled:
        article = Article.objects.get(title=post["title"])
        assert client.get(article.get_absolute_url()).status_code == 404
        goes_live = datetime.strptime(post["date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        with time_machine.travel(goes_live - timedelta(seconds=1), tick=False):
            assert client.get(article.get_absolute_url()).status_code == 404  # not a second early
        with time_machine.travel(goes_live, tick=False):
            assert client.get(article.get_absolute_url()).status_code == 200


def test_a_second_import_changes_nothing(export, request):
    path = request.node.callspec.params["imported"]
    before = sorted(Article.objects.values_list("source_id", "title", "status", "body_html"))
    call_command("import_wordpress", str(path))
    assert (
        sorted(Article.objects.values_list("source_id", "title", "status", "body_html")) == before
    )
