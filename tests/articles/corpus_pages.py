"""Reading our public pages as a reader's browser would: the links, images and lists on them,
the items of a feed, the addresses in a sitemap. Shared by the corpus import tests."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import Client

ATOM = "{http://www.w3.org/2005/Atom}"

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}  # fmt: skip


class Markup(HTMLParser):
    """The images, links (with their text and the classes around them) and list items."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.links: list[dict] = []
        self.items: list[set[str]] = []  # the classes of each <li>
        self._open: list[tuple[str, list[str]]] = []
        self._link: dict | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        classes = attrs.get("class", "").split()
        if tag == "img" and attrs.get("src", "").strip():
            self.images.append(attrs["src"])
        elif tag == "a" and "href" in attrs:
            around = {name for _, names in self._open for name in names}
            self._link = {"href": attrs["href"], "rel": attrs.get("rel", ""), "around": around}
            self._link["text"] = ""
            self.links.append(self._link)
        elif tag == "li":
            self.items.append(set(classes))
        if tag not in VOID:
            self._open.append((tag, classes))

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position][0] == tag:
                del self._open[position:]
                break

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def hrefs(self, within: str = "") -> dict[str, str]:
        """href → link text, for links inside an element of class `within` (if given)."""
        return {
            link["href"]: " ".join(link["text"].split())
            for link in self.links
            if not within or within in link["around"]
        }


class Reader:
    """An anonymous reader who keeps what was read: the corpus tests of one imported file only
    read, so a page asked for again (by a second test) is the page already read."""

    def __init__(self):
        self.client = Client()
        self._read = {}
        self._parsed = {}

    def get(self, url: str, params: dict | None = None):
        key = (url, tuple(sorted((params or {}).items())))
        if key not in self._read:
            self._read[key] = self.client.get(url, params)
        return self._read[key]

    def markup(self, url: str) -> "Markup":
        """The page at `url`, parsed (once)."""
        if url not in self._parsed:
            self._parsed[url] = Markup(self.get(url).text)
        return self._parsed[url]


def comment_count(page: "str | Markup") -> int:
    """Comments shown in the thread (an anonymous reader only sees approved ones)."""
    markup = Markup(page) if isinstance(page, str) else page
    return sum(1 for classes in markup.items if "comment" in classes)


def listed(client, url: str, params: dict | None = None) -> dict[str, str]:
    """The essays a list page shows, following its "Older" links: essay URL → title."""
    essays, params = {}, dict(params or {})
    for number in range(1, 1000):
        response = client.get(url, params | {"page": number})
        if response.status_code == 404 and number == 1:
            return essays  # e.g. a month with no public essay
        assert response.status_code == 200, url
        markup = Markup(response.text)
        essays |= markup.hrefs(within="essay-card-title")
        if not any(link["rel"] == "next" for link in markup.links):
            return essays
    raise AssertionError(f"{url} has no last page")


def feed_items(xml: str) -> dict[str, str]:
    """An RSS or Atom feed's items: path of the item's link → title."""
    root = ET.fromstring(xml)
    items = {}
    for item in root.iter("item"):
        items[urlsplit(item.findtext("link")).path] = item.findtext("title")
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        items[urlsplit(link.get("href")).path] = entry.findtext(f"{ATOM}title")
    return items


def sitemap_paths(xml: str) -> set[str]:
    locs = ET.fromstring(xml).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    return {urlsplit(loc.text.strip()).path for loc in locs}
