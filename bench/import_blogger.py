"""Time `manage.py import_blogger` on a large synthetic Blogger export; prints figures.

Run as: .venv/bin/python bench/import_blogger.py [--size-mb 50] [--keep] [--database-url URL]

The export imitates the legacy "Back up content" files in ../shared/corpus/blogger/: the
template, the settings entries, posts newest first (a tenth of them drafts), two pages, then the
comments, oldest post first, some of them replies. It is written entry by entry from seeded
generators, so the same size and seed always give the same file. The import runs as a child
process on a fresh database (SQLite in the temporary directory, or the PostgreSQL database named
by --database-url, dropped and created again). Its peak RSS comes from os.wait4() on that child
alone, so the migrate run before it does not count. The 300 MB peak is a target to read, not an
assertion: the script exits non-zero only when the import command fails (or the database cannot
be set up).
"""

import argparse
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RSS_TARGET_MB = 300  # MiB, as ps and top count
MB = 1_000_000  # file sizes in MB as import_blogger --max-size counts them
SAMPLE_POSTS = 100  # posts generated (and thrown away) to learn how many fit in the size asked

BLOG_ID = "7302986187350014526"
BLOG_TITLE = "Notes from the Reading Room"
BLOG_URL = "https://example.blogspot.com"
FEEDS = f"https://www.blogger.com/feeds/{BLOG_ID}"
TAG = f"tag:blogger.com,1999:blog-{BLOG_ID}"
GD = "http://schemas.google.com/g/2005"
KIND = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
ZONE = ZoneInfo("America/New_York")
OLDEST = datetime(2008, 1, 1, 9, 0, tzinfo=ZONE)
NEWEST = datetime(2021, 3, 1, 9, 0, tzinfo=ZONE)
EXPORTED = datetime(2021, 3, 24, 11, 4, 24, 292000, tzinfo=ZONE)

OWNER = ("Marian Holt", "https://www.blogger.com/profile/04718259630411795127")
PROFILE_IMAGE = "//www.blogger.com/img/blogger_logo_round_35.png"
BLANK_IMAGE = "//resources.blogblog.com/img/blank.gif"
COMMENTERS = [
    "Isa", "J.Dub", "Tomasz Nowak", "Ana María", "Léa Fournier", "Ravi", "Bookish Ben",
    "Grace O'Malley", "Kenji", "Sam & Jo", "Dr. Pettersson", "Margit", "오지현", "Ulrich",
    "Priya S.", "The Lapsed Classicist",
]  # fmt: skip
SITES = ["example.org", "example.net", "archive.example.com", "library.example.edu"]
LABELS = [
    "books", "Books", "essays", "history", "travel", "Travel", "poetry", "Writer's block",
    "Q&A", "Café culture", "letters", "music", "film", "notes", "reviews", "science",
    "language", "maps", "Rome", "Kraków", "translation", "archives", "photography", "walks",
    "gardens", "teaching", "C++", "old posts", "philosophy", "family",
]  # fmt: skip
RECURRING_TITLES = ["Weekend links", "Reading notes", "A short update", "What I’m reading"]
KOREAN_TITLES = ["서울의 봄", "오래된 책방", "겨울 산책", "편지"]
_VOCABULARY = """
the of and a to in is was that it for on as with his her they at by this from but not or
have an which one had were their all would there what when we can out about so said if more
time could them some into people year only other over after new first also way many these
may like then well back even work through much before life between never day great place
old right too any same how under last might must still long world own house city river
letter garden library window archive winter summer evening morning road bridge harbour
island mountain valley book page chapter manuscript translation essay poem story map
journey market church station school museum kitchen table lamp candle paper ink pencil
quiet bright distant narrow ancient patient curious careful sudden gentle stubborn famous
forgotten remembered wrote read walked carried found lost opened closed watched listened
café naïve façade Zürich São Kraków rôle coöperate it’s don’t isn’t — “really” “perhaps”
"""
WORDS = _VOCABULARY.split()
SETTINGS = [
    ("BLOG_PUBLISHING_MODE", "The type of publishing done for this blog.", "PUBLISH_MODE_BLOGSPOT"),
    (
        "BLOG_ADMIN_PERMISSION",
        "The list of administrators' emails for the blog.",
        "m.holt@example.com",
    ),
    ("BLOG_ADULT_CONTENT", "Whether this blog contains adult content", "false"),
    ("BLOG_ARCHIVE_FREQUENCY", "How frequently this blog should be archived", "MONTHLY"),
    ("BLOG_COMMENT_ACCESS", "Who can comment", "ANYONE"),
    ("BLOG_COMMENT_FEED", "The type of feed to provide for blog comments", "FULL"),
    ("BLOG_COMMENT_MODERATION", "Whether to enable comment moderation", "DISABLED"),
    ("BLOG_COMMENTS_ALLOWED", "Whether to show comments", "true"),
    (
        "BLOG_CONVERT_LINE_BREAKS",
        "Whether to convert line breaks into <br /> tags in post editor",
        "true",
    ),
    ("BLOG_DESCRIPTION", "A description of the blog", "Books, walks & letters."),
    ("BLOG_LOCALE", "Language for this blog", "en"),
    ("BLOG_MAX_NUM", "Maximum number of things to show on the main page", "7"),
    ("BLOG_NAME", "The name of the blog", BLOG_TITLE),
    ("BLOG_POST_FEED", "The type of feed to provide for blog posts", "FULL"),
    ("BLOG_READ_ACCESS_MODE", "The access type for the readers of the blog.", "PUBLIC"),
    ("BLOG_SEARCHABLE", "Whether this blog should be indexed by search engines", "true"),
    ("BLOG_SUBDOMAIN", "The BlogSpot subdomain under which to publish your blog", "example"),
    ("BLOG_TIME_ZONE", "The time zone for this blog", "America/New_York"),
    ("BLOG_USE_LIGHTBOX", "Whether to show images in the Lightbox when clicked", "true"),
]


@dataclass
class PostRef:
    """What the comments pass needs to know about a post written earlier (no body)."""

    id: str
    tag: str
    url: str
    published: datetime
    comments: int


@dataclass
class Counts:
    bytes: int = 0
    posts: int = 0
    drafts: int = 0
    pages: int = 0
    comments: int = 0
    replies: int = 0
    page_comments: int = 0


class Sink:
    """Counts the bytes written; with no file, only counts (for the size estimate)."""

    def __init__(self, file=None):
        self.file = file
        self.bytes = 0

    def write(self, text: str) -> None:
        data = text.encode()
        self.bytes += len(data)
        if self.file is not None:
            self.file.write(data)


def blogger_id(kind: int, a: int, b: int = 0) -> str:
    """A 19-digit id, unique per (kind, a, b), that looks as random as Blogger's."""
    k = (a * 1024 + b) * 4 + kind
    return str(10**18 + (k * 0x9E3779B97F4A7C15) % 2**59)  # odd multiplier: a bijection


def attr(text: str) -> str:
    return escape(text, {"'": "&apos;"})  # attributes are single-quoted, as Blogger writes them


def stamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def author(name: str, uri: str | None, image: str = PROFILE_IMAGE) -> str:
    uri_xml = f"<uri>{escape(uri)}</uri>" if uri else ""
    return (
        f"<author><name>{escape(name)}</name>{uri_xml}<email>noreply@blogger.com</email>"
        f"<gd:image rel='{GD}#thumbnail' width='35' height='35' "
        f"src='{image}'/></author>"
    )


def kind(name: str) -> str:
    return f"<category scheme='{GD}#kind' term='{KIND}{name}'/>"


def token(rng: Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=length))


# --- post bodies (raw HTML, escaped once when the entry is written) ---


def prose(rng: Random, sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(6, 18))
        words[0] = words[0].capitalize()
        i, roll = rng.randrange(len(words)), rng.random()
        if roll < 0.12:
            words[i] = f"<b>{words[i]}</b>"
        elif roll < 0.18:
            words[i] = f'<span style="font-weight: bold;">{words[i]}</span>'
        elif roll < 0.26:
            words[i] = f"<i>{words[i]}</i>"
        elif roll < 0.38:
            href = f"https://www.{rng.choice(SITES)}/{words[i]}-{rng.randint(1, 999)}.html"
            words[i] = f'<a href="{href}" target="_blank">{words[i]}</a>'
        elif roll < 0.42:
            words[i] += "&nbsp;"
        parts.append(" ".join(words) + rng.choice("......?!"))
    return " ".join(parts)


def image_urls(rng: Random) -> tuple[str, str]:
    """(full size, thumbnail) in one of the two forms Blogger has used for uploads."""
    name = f"{rng.choice(WORDS[100:160])}-{rng.randint(1, 9999)}.jpg"
    if rng.random() < 0.5:
        stem = f"https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsE{token(rng, 80)}"
    else:
        stem = (
            f"https://{rng.randint(1, 4)}.bp.blogspot.com/-{token(rng, 11)}/{token(rng, 11)}"
            f"/AAAAAAAA{token(rng, 3)}/{token(rng, 33)}"
        )
    return f"{stem}/s1600/{name}", f"{stem}/s400/{name}"


def captioned_image(rng: Random) -> str:
    full, small = image_urls(rng)
    return (
        '<table align="center" cellpadding="0" cellspacing="0" class="tr-caption-container" '
        'style="margin-left: auto; margin-right: auto; text-align: center;"><tbody><tr>'
        f'<td style="text-align: center;"><a href="{full}" imageanchor="1" '
        'style="margin-left: auto; margin-right: auto;"><img border="0" '
        f'data-original-height="{rng.randint(600, 3000)}" '
        f'data-original-width="{rng.randint(800, 4000)}" '
        f'height="300" src="{small}" width="400" /></a></td></tr><tr><td class="tr-caption" '
        f'style="text-align: center;">{prose(rng, 1)}</td></tr></tbody></table>'
    )


def separator_image(rng: Random) -> str:
    full, small = image_urls(rng)
    return (
        '<div class="separator" style="clear: both; text-align: center;">'
        f'<a href="{full}" imageanchor="1" style="margin-left: 1em; margin-right: 1em;">'
        f'<img border="0" height="266" src="{small}" width="400" /></a></div>'
    )


def block(rng: Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return f"<div>{prose(rng, rng.randint(2, 6))}</div>"
    if roll < 0.45:
        return f"{prose(rng, rng.randint(2, 6))}<br />\n<br />\n"
    if roll < 0.60:
        return f"<p>{prose(rng, rng.randint(2, 6))}</p>"
    if roll < 0.72:  # text pasted from a word processor keeps its fonts
        return (
            '<div style="text-align: justify;"><span style="font-family: &quot;georgia&quot; , '
            f'&quot;times new roman&quot; , serif;">{prose(rng, rng.randint(2, 5))}</span></div>'
        )
    if roll < 0.78:
        items = "".join(f"<li>{prose(rng, 1)}</li>" for _ in range(rng.randint(2, 5)))
        return f"<ul>{items}</ul>"
    if roll < 0.84:
        return f'<blockquote class="tr_bq">{prose(rng, rng.randint(1, 3))}</blockquote>'
    if roll < 0.88:
        return f"<h3>{prose(rng, 1)[:60]}</h3>"
    if roll < 0.94:
        return separator_image(rng)
    return captioned_image(rng)


def body(rng: Random) -> str:
    target = rng.randint(6000, 12000)
    blocks = [block(rng)]
    size = len(blocks[0])
    while size < target:
        blocks.append(block(rng))
        size += len(blocks[-1])
    blocks.insert(rng.randint(1, len(blocks)), captioned_image(rng))  # every post has one
    return "".join(blocks)


# --- entries ---


def title_for(rng: Random) -> str:
    roll = rng.random()
    if roll < 0.08:  # recurring titles make the same slug stem over and over
        return rng.choice(RECURRING_TITLES)
    if roll < 0.11:  # Blogger slugs a title with no Latin letters as "blog-post"
        return rng.choice(KOREAN_TITLES)
    words = rng.choices(WORDS, k=rng.randint(3, 8))
    title = " ".join(words).capitalize()
    return rng.choice([title, title, title, f"{title}: a Q&A", f"On {words[0]}’s <{words[1]}>"])


def blogger_slug(title: str) -> str:
    slug = ""
    for word in re.findall(r"[a-z0-9]+", title.lower()):
        if len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "blog-post"


def post_path(title: str, when: datetime, taken: set[str]) -> str:
    """Blogger's /YYYY/MM/slug.html; a slug already used that month gets _DD (the day)."""
    base = f"/{when.year}/{when.month:02d}/{blogger_slug(title)}"
    path, n = f"{base}.html", 1
    while path in taken:
        path = f"{base}_{when.day:02d}.html" if n == 1 else f"{base}_{when.day:02d}_{n}.html"
        n += 1
    taken.add(path)
    return path


def post_entry(number: int, total: int, seed: int, taken: set[str]) -> tuple[str, PostRef, bool]:
    rng = Random(f"{seed}:post:{number}")
    step = (NEWEST - OLDEST) / max(total, 1)
    published = NEWEST - step * (number + rng.random())
    draft = rng.random() < 0.10
    updated = min(published + timedelta(minutes=rng.randint(1, 60 * 24 * 30)), EXPORTED)
    title = title_for(rng)
    post_id = blogger_id(0, number)
    # About four comments a post, drafts included; a few posts have many.
    comments = 0 if draft else min(600, round(rng.expovariate(1 / 4.4)))
    labels = "".join(
        f"<category scheme='{LABEL_SCHEME}' term='{attr(label)}'/>"
        for label in rng.sample(LABELS, rng.randint(0, 4))
    )
    html = body(rng)
    thumbnail = re.search(r'src="([^"]+)/s400/([^"]+)"', html)
    edit = f"{FEEDS}/posts/default/{post_id}"
    parts = [
        f"<entry><id>{TAG}.post-{post_id}</id><published>{stamp(published)}</published>"
        f"<updated>{stamp(updated)}</updated>"
    ]
    if draft:
        parts.append(
            "<app:control xmlns:app='http://purl.org/atom/app#'><app:draft>yes</app:draft>"
            "</app:control>"
        )
    parts += [
        kind("post"),
        labels,
        f"<title type='text'>{escape(title)}</title><content type='html'>{escape(html)}</content>",
    ]
    url = ""
    if not draft:
        url = BLOG_URL + post_path(title, published, taken)
        parts.append(
            f"<link rel='replies' type='application/atom+xml' "
            f"href='{BLOG_URL}/feeds/{post_id}/comments/default' title='Post Comments'/>"
        )
    parts.append(
        f"<link rel='replies' type='text/html' href='https://www.blogger.com/comment.g?"
        f"blogID={BLOG_ID}&amp;postID={post_id}' title='{comments} Comments'/>"
        f"<link rel='edit' type='application/atom+xml' href='{edit}'/>"
        f"<link rel='self' type='application/atom+xml' href='{edit}'/>"
    )
    if not draft:
        parts.append(f"<link rel='alternate' type='text/html' href='{url}' title='{attr(title)}'/>")
    parts.append(author(*OWNER))
    if thumbnail:
        parts.append(
            "<media:thumbnail xmlns:media='http://search.yahoo.com/mrss/' "
            f"url='{attr(thumbnail[1])}/s72-c/{attr(thumbnail[2])}' height='72' width='72'/>"
        )
    parts.append(f"<thr:total>{comments}</thr:total></entry>")
    ref = PostRef(post_id, f"{TAG}.post-{post_id}", url, published, comments)
    return "".join(parts), ref, draft


def page_entry(number: int, slug: str, title: str, seed: int) -> tuple[str, PostRef]:
    rng = Random(f"{seed}:page:{number}")
    page_id = blogger_id(2, number)
    published = OLDEST + timedelta(days=rng.randint(1, 300))
    url = f"{BLOG_URL}/p/{slug}.html"
    edit = f"{FEEDS}/pages/default/{page_id}"
    html = "".join(block(rng) for _ in range(6))
    entry = (
        f"<entry><id>{TAG}.page-{page_id}</id><published>{stamp(published)}</published>"
        f"<updated>{stamp(EXPORTED - timedelta(days=40))}</updated>{kind('page')}"
        f"<title type='text'>{escape(title)}</title><content type='html'>{escape(html)}</content>"
        f"<link rel='edit' type='application/atom+xml' href='{edit}'/>"
        f"<link rel='self' type='application/atom+xml' href='{edit}'/>"
        f"<link rel='alternate' type='text/html' href='{url}' title='{attr(title)}'/>"
        f"{author(*OWNER)}</entry>"
    )
    comments = 3 if slug == "about" else 0  # real exports have comments on pages too
    return entry, PostRef(page_id, f"{TAG}.page-{page_id}", url, published, comments)


def comment_html(rng: Random) -> str:
    sentences = [prose(rng, 1).replace("’", "&#39;") for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.15:
        href = f"http://www.{rng.choice(SITES)}/{rng.randint(2009, 2020)}/notes.html"
        sentences.append(f'See <a href="{href}" rel="nofollow">my post</a>.')
    text = rng.choice([" ", "<br />", "<br /><br />"]).join(sentences)
    return text + (f"<br />-{rng.choice(COMMENTERS)}" if rng.random() < 0.2 else "")


def display_time(when: datetime) -> str:
    hour = when.hour % 12 or 12
    return f"{when:%B} {when.day}, {when.year} {hour}:{when:%M} {'AM' if when.hour < 12 else 'PM'}"


def comment_entries(number: int, ref: PostRef, seed: int, counts: Counts):
    """The comments on one post, oldest first; a reply names an earlier one as its parent."""
    rng = Random(f"{seed}:comments:{number}")
    span = min(EXPORTED - ref.published, timedelta(days=400))
    times = sorted(ref.published + span * rng.random() ** 3 for _ in range(ref.comments))
    earlier: list[str] = []
    for j, when in enumerate(times):
        comment_id = blogger_id(1, number, j)
        roll = rng.random()
        if roll < 0.3:
            name, uri, image = "Anonymous", None, BLANK_IMAGE
        elif roll < 0.4:
            name, uri, image = *OWNER, PROFILE_IMAGE
        else:
            name, image = rng.choice(COMMENTERS), PROFILE_IMAGE
            uri = (
                f"https://www.blogger.com/profile/{rng.randint(10**19, 10**20 - 1)}"
                if rng.random() < 0.8
                else f"http://www.{rng.choice(SITES)}/"
            )
        html = comment_html(rng)
        title = html if len(html) <= 50 else html[:50] + "..."
        link = f"{FEEDS}/{ref.id}/comments/default"
        millis = int(when.timestamp() * 1000)
        related = ""
        if earlier and rng.random() < 0.3:
            related = f"<link rel='related' href='{link}/{rng.choice(earlier)}'/>"
            counts.replies += 1
        source = f"{FEEDS}/{'pages' if '.page-' in ref.tag else 'posts'}/default/{ref.id}"
        yield (
            f"<entry><id>{TAG}.post-{comment_id}</id><published>{stamp(when)}</published>"
            f"<updated>{stamp(when)}</updated>{kind('comment')}"
            f"<title type='text'>{escape(title)}</title>"
            f"<content type='html'>{escape(html)}</content>"
            f"<link rel='edit' type='application/atom+xml' href='{link}/{comment_id}'/>"
            f"<link rel='self' type='application/atom+xml' href='{link}/{comment_id}'/>"
            f"<link rel='alternate' type='text/html' "
            f"href='{ref.url}?showComment={millis}#c{comment_id}' title=''/>{related}"
            f"{author(name, uri, image)}"
            f"<thr:in-reply-to href='{ref.url}' ref='{ref.tag}' source='{source}' "
            "type='text/html'/><gd:extendedProperty name='blogger.itemClass' "
            f"value='pid-{rng.randint(10**8, 2**31)}'/>"
            f"<gd:extendedProperty name='blogger.displayTime' value='{display_time(when)}'/>"
            "</entry>"
        )
        earlier.append(comment_id)


def template_text(rng: Random) -> str:
    """A layout template of about 100 KB, like the real ones (mostly CSS)."""
    rules = "".join(
        f".post-{rng.choice(WORDS[:100])}-{k} {{margin:{rng.randint(0, 40)}px "
        f"{rng.randint(0, 40)}px;color:#{rng.randrange(16**6):06x};font-family:'Georgia',serif}}\n"
        for k in range(1500)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE html>\n'
        "<html b:css='false' b:defaultwidgetversion='2' b:layoutsVersion='3' b:responsive='true' "
        "expr:dir='data:blog.languageDirection' xmlns='http://www.w3.org/1999/xhtml' "
        "xmlns:b='http://www.google.com/2005/gml/b' "
        "xmlns:data='http://www.google.com/2005/gml/data' "
        "xmlns:expr='http://www.google.com/2005/gml/expr'>\n  <head>\n"
        "    <meta content='width=device-width, initial-scale=1' name='viewport'/>\n"
        "    <title><data:view.title.escaped/></title>\n"
        "    <b:include data='blog' name='all-head-content'/>\n"
        f"    <b:skin version='1.3.3'><![CDATA[{rules}]]></b:skin>\n  </head>\n  <body>\n"
        "    <b:section class='main' id='main' showaddelement='no'>\n"
        "      <b:widget id='Blog1' locked='true' title='Blog Posts' type='Blog' version='2' "
        "visible='true'/>\n    </b:section>\n  </body>\n</html>"
    )


def write_export(out: Sink, *, posts: int, seed: int) -> Counts:
    """Write the whole export to `out`, one entry at a time; returns what it contains."""
    counts = Counts()
    feed = f"{FEEDS}/archive"
    out.write(
        "<?xml version='1.0' encoding='UTF-8'?><?xml-stylesheet "
        'href="https://www.blogger.com/styles/atom.css" type="text/css"?>'
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
        "xmlns:gd='http://schemas.google.com/g/2005' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0' "
        "xmlns:georss='http://www.georss.org/georss'>"
        f"<id>{TAG}.archive</id><updated>{stamp(EXPORTED)}</updated>"
        f"<title type='text'>{escape(BLOG_TITLE)}</title>"
        f"<link rel='{GD}#feed' type='application/atom+xml' href='{feed}'/>"
        f"<link rel='self' type='application/atom+xml' href='{feed}'/>"
        f"<link rel='{GD}#post' type='application/atom+xml' href='{feed}'/>"
        f"<link rel='alternate' type='text/html' href='{BLOG_URL}/'/>{author(*OWNER)}"
        "<generator version='7.00' uri='https://www.blogger.com'>Blogger</generator>"
    )
    created = stamp(OLDEST - timedelta(days=30))
    out.write(
        f"<entry><id>{TAG}.layout</id><published>{created}</published>"
        f"<updated>{stamp(EXPORTED)}</updated>{kind('template')}"
        f"<title type='text'>Template: {escape(BLOG_TITLE)}</title>"
        f"<content type='text'>{escape(template_text(Random(f'{seed}:template')))}</content>"
        f"<link rel='edit' type='application/atom+xml' href='{FEEDS}/template/default'/>"
        f"<link rel='self' type='application/atom+xml' href='{FEEDS}/template/default'/>"
        f"<link rel='alternate' type='text/html' href='{BLOG_URL}/'/>{author(*OWNER)}</entry>"
    )
    for name, title, value in SETTINGS:
        link = f"{FEEDS}/settings/{name}"
        out.write(
            f"<entry><id>{TAG}.settings.{name}</id><published>{created}</published>"
            f"<updated>{stamp(EXPORTED)}</updated>{kind('settings')}"
            f"<title type='text'>{escape(title)}</title>"
            f"<content type='text'>{escape(value)}</content>"
            f"<link rel='edit' type='application/atom+xml' href='{link}'/>"
            f"<link rel='self' type='application/atom+xml' href='{link}'/>{author(*OWNER)}</entry>"
        )
    taken: set[str] = set()
    refs: list[PostRef] = []  # a few hundred bytes per post: the bodies are never kept
    for number in range(posts):
        entry, ref, draft = post_entry(number, posts, seed, taken)
        out.write(entry)
        refs.append(ref)
        counts.posts += 1
        counts.drafts += draft
    for number, (slug, title) in enumerate([("about", "About"), ("contact", "Contact")]):
        entry, ref = page_entry(number, slug, title, seed)
        out.write(entry)
        counts.pages += 1
        counts.page_comments += ref.comments
        refs.append(ref)
    # Pages first, then posts oldest first: Blogger lists comments roughly oldest first.
    order = [*range(posts, len(refs)), *reversed(range(posts))]
    for number in order:
        for entry in comment_entries(number, refs[number], seed, counts):
            out.write(entry)
            counts.comments += 1
    out.write("</feed>\n")
    counts.bytes = out.bytes
    return counts


def generate(path: Path, *, size_mb: float, seed: int) -> Counts:
    overhead = write_export(Sink(), posts=0, seed=seed).bytes
    sample = write_export(Sink(), posts=SAMPLE_POSTS, seed=seed).bytes
    per_post = (sample - overhead) / SAMPLE_POSTS
    posts = max(1, round((size_mb * MB - overhead) / per_post))
    # Comments per post vary a lot, so correct the guess once with a dry run at full size.
    guessed = write_export(Sink(), posts=posts, seed=seed).bytes
    posts = max(1, round(posts * (size_mb * MB - overhead) / (guessed - overhead)))
    with path.open("wb", buffering=2**20) as file:
        return write_export(Sink(file), posts=posts, seed=seed)


# --- running the import ---


def child_env(database_url: str, work: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "MEDIA_ROOT", "MEDIA_STORAGE_BACKEND", "MEDIA_STORAGE_OPTIONS"):
        env.pop(name, None)  # nothing of the benchmark's lands in a shared cache or media store
    env.update(
        DATABASE_URL=database_url,
        VAR_DIR=str(work / "var"),
        # As in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries in
        # memory, which would count against the importer's peak.
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnop",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    return env


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Run `command`; return its exit code, wall seconds and its own peak RSS in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would also hold migrate's peak.
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    return process.returncode, seconds, usage.ru_maxrss * unit / 2**20


def postgres_admin(url: str):
    import psycopg  # only needed for PostgreSQL runs

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def recreate_postgres(url: str, name: str, *, create: bool) -> None:
    from psycopg import sql

    with postgres_admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def code_version() -> str:
    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "articles", "comments")
    return f"{commit}{' with uncommitted changes to the apps' if dirty else ''}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=50, help="export size (default 50)")
    parser.add_argument("--keep", action="store_true", help="keep the export and the database")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to drop, create and import into, e.g. "
        "postgres://postgres@127.0.0.1:5432/bench_import (default: SQLite in the temp directory)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    args = parser.parse_args()
    if args.size_mb <= 0:
        parser.error("--size-mb must be positive")
    if args.database_url:
        parts = urlsplit(args.database_url)
        name = parts.path.lstrip("/")
        if not parts.scheme.startswith("postgres") or not name:
            parser.error("--database-url must be a postgres://… URL naming a database")
        if "bench" not in name:  # it is dropped: refuse anything that might be real data
            parser.error(f"the database is dropped and recreated; “{name}” has no “bench” in it")
    return args


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-blogger-"))
    pg_name = urlsplit(args.database_url).path.lstrip("/") if args.database_url else None
    created = False  # drop only a database this run made
    try:
        export = work / "blogger-export.xml"
        start = time.perf_counter()
        counts = generate(export, size_mb=args.size_mb, seed=args.seed)
        generated = time.perf_counter() - start
        print(f"Generated {export} in {generated:.1f} s", flush=True)

        if pg_name:
            try:
                recreate_postgres(args.database_url, pg_name, create=True)
                created = True
            except Exception as exc:  # psycopg missing, server down, no permission
                print(f"Cannot create PostgreSQL database {pg_name}: {exc}", file=sys.stderr)
                return 2
            database_url = args.database_url
        else:
            database_url = f"sqlite:///{work / 'bench.sqlite3'}"
        env = child_env(database_url, work)
        manage = [sys.executable, "manage.py"]
        migrate = subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env)
        if migrate.returncode:
            print("migrate failed; the import was not run", file=sys.stderr)
            return 2

        print(f"Running manage.py import_blogger {export}", flush=True)
        code, seconds, peak_mb = run_measured([*manage, "import_blogger", str(export)], env)

        size_mb = counts.bytes / MB
        under = "yes" if peak_mb < RSS_TARGET_MB else "NO"
        print()
        print(
            f"Blogger import benchmark — {'PostgreSQL' if pg_name else 'SQLite'}, {code_version()}"
        )
        print(f"  export        {size_mb:.1f} MB (seed {args.seed})")
        print(f"  posts         {counts.posts:,} ({counts.drafts:,} of them drafts)")
        print(f"  pages         {counts.pages:,}")
        print(
            f"  comments      {counts.comments:,} ({counts.replies:,} replies, "
            f"{counts.page_comments:,} on pages)"
        )
        print(f"  import        {seconds:.1f} s wall (exit code {code})")
        print(
            f"  rate          {counts.posts / seconds:.1f} posts/s, "
            f"{counts.comments / seconds:.1f} comments/s"
        )
        print(f"  peak RSS      {peak_mb:.0f} MB (target < {RSS_TARGET_MB} MB: {under})")
        if code:
            print(f"The import command failed with exit code {code}.", file=sys.stderr)
        return 1 if code else 0
    finally:
        if args.keep:
            where = f"database {pg_name}" if created else "SQLite database"
            print(f"Kept {work} (export and {where})")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if created:
                try:
                    recreate_postgres(args.database_url, pg_name, create=False)
                except Exception as exc:
                    print(f"Could not drop database {pg_name}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
