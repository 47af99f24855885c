"""A Blogger post's HTML → the small vocabulary an imported essay body keeps.

The result is sanitised again when the essay is saved (`articles.rendering.sanitise_html`), so
the aim here is to keep what readers saw (captioned images, emphasis set with `style`, videos,
links) in markup that survives that sanitiser, not safety alone. It is one pass over
`html.parser` events with an explicit stack of open elements, so deep nesting cannot exhaust
Python's recursion limit.
"""

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

KEEP = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol",
    "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
RENAME = {"h1": "h2", "strike": "s", "tt": "code", "center": "div"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}  # fmt: skip
# Never displayed. <noscript> is not among them: the scripts are gone, so what the blog showed
# readers without JavaScript is exactly what now stands in for them.
HIDDEN = {"script", "style", "title", "template"}
EMBEDS = {"iframe", "object", "embed", "video", "audio"}
# Blocks a browser will not leave inside an open <p>: it closes the paragraph first.
BLOCKS = {"blockquote", "dd", "div", "dl", "dt", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
          "li", "ol", "p", "pre", "table", "ul"}  # fmt: skip
EMPHASIS = {"span", "font", "b", "strong", "i", "em"}
CAPTION_PARTS = {"tbody", "thead", "tfoot", "tr", "td", "th"}
TABLE_PARTS = CAPTION_PARTS | {"table"}
CELL_SCOPE = {"table", "td", "th"}
# A start tag that ends an open element of its family, unless a boundary lies in between.
IMPLIED = {"li": ({"li"}, {"ul", "ol"}), "dt": ({"dt", "dd"}, {"dl"}),
           "dd": ({"dt", "dd"}, {"dl"}), "tr": ({"tr"}, {"table"}),
           "td": ({"td", "th"}, {"tr", "table"}), "th": ({"td", "th"}, {"tr", "table"}),
           "a": ({"a"}, CELL_SCOPE)}  # fmt: skip
ATTRIBUTES = {"a": ("href", "title"), "abbr": ("title",), "ol": ("start",),
              "td": ("align",), "th": ("align", "scope"),
              "img": ("src", "alt", "title", "width", "height")}  # fmt: skip
VALUES = {"width": r"\d+", "height": r"\d+", "start": r"-?\d+", "align": r"left|center|right",
          "scope": r"row|col|rowgroup|colgroup"}  # fmt: skip
LINK_SCHEMES = ("http", "https", "mailto")  # what the sanitiser lets through
WEB_SCHEMES = ("http", "https")
C0 = "".join(chr(code) for code in range(0x21))
SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
YOUTUBE_RE = re.compile(
    r"(?:(?:www\.|m\.)?youtube(?:-nocookie)?\.com/(?:embed|v)/|youtu\.be/)"
    r"(?!videoseries)([A-Za-z0-9_-]{6,20})(?![A-Za-z0-9_-])"  # videoseries is a playlist
)
VIMEO_RE = re.compile(r"player\.vimeo\.com/video/(\d{1,15})(?!\d)")
# YouTube's copy-and-paste embed code gives every iframe this title; it names no video.
GENERIC_TITLES = {"youtube video player", "vimeo video player"}


@dataclass(eq=False)
class _Frame:
    tag: str  # the source's tag, which its end tag must match
    close: str = ""
    kind: str = ""  # "", "hidden", "embed", "caption" (a figure), "figcaption"
    urls: list[str] = field(default_factory=list)  # an embed's addresses
    title: str = ""
    text: list[str] = field(default_factory=list)  # a figcaption's words, for alt text
    waiting: list[tuple[int, dict]] = field(default_factory=list)  # a figure's images


def clean_post_html(markup: str) -> str:
    """The post body in the essay vocabulary, with every image, link and visible text kept."""
    cleaner = _Cleaner()
    cleaner.feed(markup)
    cleaner.close()
    cleaner.close_to(0)
    return "".join(cleaner.out)


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[_Frame] = []
        # Stack positions of each open tag, so nothing walks the stack: 10,000 levels stay cheap.
        self.where: defaultdict[str, list[int]] = defaultdict(list)
        self.hidden_at: int | None = None  # the outermost open element nobody saw
        self.embed: _Frame | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        classes = attrs.get("class", "").split()
        if self.hidden_at is not None:
            if self.embed:
                self.embed.urls += _embed_urls(tag, attrs)
            if tag not in VOID:
                self.push(_Frame(tag, kind="hidden"))
        elif tag in HIDDEN:
            if tag == "script":
                self.make_room("p", "a")
                self.out.append(_removed_note(_script_page(attrs.get("src", ""))))
            self.push(_Frame(tag, kind="hidden"))
        elif tag in EMBEDS:
            self.make_room("p", "a")
            frame = _Frame(
                tag, kind="embed", urls=_embed_urls(tag, attrs), title=attrs.get("title", "")
            )
            if tag in VOID:
                self.out.append(_embed_html(frame))
            else:
                self.embed = frame
                self.push(frame)
        elif tag == "table" and "tr-caption-container" in classes:
            self.make_room("p")
            self.push(_Frame(tag, "</figure>", kind="caption"), "<figure>")
        elif tag in CAPTION_PARTS and self.innermost("table", "caption"):
            # Blogger lays a captioned image out as a table: its cells become the figure's parts.
            self.close_within(*IMPLIED.get(tag, (set(), set())))
            if tag == "td" and "tr-caption" in classes:
                self.push(_Frame(tag, "</figcaption>", kind="figcaption"), "<figcaption>")
            else:
                self.push(_Frame(tag))
        else:
            self.element(tag, attrs)

    def element(self, tag: str, attrs: dict):
        name = RENAME.get(tag, tag)
        self.close_within(*IMPLIED.get(tag, (set(), set())))
        if name in BLOCKS:
            self.make_room("p")
        if tag in EMPHASIS:
            wrappers = _emphasis(tag, attrs.get("style", ""))
            closing = "".join(f"</{wrapper}>" for wrapper in reversed(wrappers))
            self.push(_Frame(tag, closing), "".join(f"<{wrapper}>" for wrapper in wrappers))
        elif tag == "img":
            if caption := self.innermost("table", "caption"):
                caption.waiting.append((len(self.out), attrs))  # alt may come from the caption
                self.out.append("")
            elif _url(attrs.get("src", ""), WEB_SCHEMES):
                self.out.append(f"<img{_attributes('img', attrs)}>")
        elif tag in VOID:
            self.out.append(f"<{name}>" if name in KEEP else "")
        elif name not in KEEP or (name == "a" and not _url(attrs.get("href", ""), LINK_SCHEMES)):
            self.push(_Frame(tag))  # unwrapped: the text stays, the tag goes
        else:
            self.push(_Frame(tag, f"</{name}>"), f"<{name}{_attributes(name, attrs)}>")

    def handle_endtag(self, tag):
        found = self.find({tag}, {"table"} if tag in TABLE_PARTS else CELL_SCOPE)
        # An end tag inside an iframe or script cannot close an element around it.
        if found >= 0 and (self.hidden_at is None or found >= self.hidden_at):
            self.close_to(found)

    def handle_data(self, data):
        if self.hidden_at is None:
            if cell := self.innermost("td", "figcaption"):
                cell.text.append(data)
            self.out.append(html.escape(data, quote=False))

    def push(self, frame: _Frame, opening: str = ""):
        if frame.kind in {"hidden", "embed"} and self.hidden_at is None:
            self.hidden_at = len(self.stack)
        self.where[frame.tag].append(len(self.stack))
        self.stack.append(frame)
        self.out.append(opening)

    def close_to(self, position: int):
        while len(self.stack) > position:
            frame = self.stack.pop()
            self.where[frame.tag].pop()
            if self.hidden_at == len(self.stack):
                self.hidden_at = None
            if frame is self.embed:
                self.embed = None
                self.out.append(_embed_html(frame))
            elif frame.kind == "figcaption" and (caption := self.innermost("table", "caption")):
                caption.text += frame.text
            elif frame.kind == "caption":
                alt = " ".join("".join(frame.text).split())[:250].rstrip()
                for slot, attrs in frame.waiting:
                    if alt and not attrs.get("alt", "").strip():
                        attrs = attrs | {"alt": alt}
                    if _url(attrs.get("src", ""), WEB_SCHEMES):
                        self.out[slot] = f"<img{_attributes('img', attrs)}>"
            self.out.append(frame.close)

    def find(self, tags: set[str], boundaries: set[str]) -> int:
        """Position of the innermost open element in `tags`, or -1 if a boundary lies above it."""
        found = max((self.where[tag][-1] for tag in tags if self.where[tag]), default=-1)
        if any(self.where[tag] and self.where[tag][-1] > found for tag in boundaries):
            return -1
        return found

    def close_within(self, tags: set[str], boundaries: set[str]):
        if (found := self.find(tags, boundaries)) >= 0:
            self.close_to(found)

    def make_room(self, *tags: str):
        """Close an open paragraph (or link) that cannot hold the block about to be written."""
        for tag in tags:
            self.close_within({tag}, CELL_SCOPE)

    def innermost(self, tag: str, kind: str) -> _Frame | None:
        frame = self.stack[self.where[tag][-1]] if self.where[tag] else None
        return frame if frame and frame.kind == kind else None


def _attributes(tag: str, attrs: dict) -> str:
    rendered = []
    for name in ATTRIBUTES.get(tag, ()):
        value = " ".join(attrs.get(name, "").split())
        if name in {"href", "src"}:
            value = _url(attrs.get(name, ""), LINK_SCHEMES if name == "href" else WEB_SCHEMES)
        elif name in VALUES:
            value = value.lower() if re.fullmatch(VALUES[name], value.lower()) else None
        # Empty attributes go, except alt="", which says an image is only decoration.
        if value or (name == "alt" and name in attrs):
            rendered.append(f' {name}="{html.escape(value)}"')
    return "".join(rendered)


def _url(value: str, schemes: tuple[str, ...]) -> str | None:
    """An address a reader can follow, or None; relative ones stay, as the old blog had them."""
    # Browsers ignore tabs and newlines anywhere in a URL, so "java\tscript:" is javascript:.
    url = re.sub(r"[\t\n\r]", "", value).strip(C0)
    if url.startswith("//"):
        url = "https:" + url
    if not (scheme := SCHEME_RE.match(url)):
        return url or None
    if scheme[1].lower() not in schemes:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    # Blogger's image hosts serve https; the old http addresses would be mixed content.
    if scheme[1].lower() == "http" and (
        host == "bp.blogspot.com" or host.endswith((".bp.blogspot.com", ".googleusercontent.com"))
    ):
        url = "https" + url[4:]
    return url


def _absolute(value: str) -> str | None:
    url = _url(value, WEB_SCHEMES) if value else None
    return url if url and SCHEME_RE.match(url) else None


def _embed_urls(tag: str, attrs: dict) -> list[str]:
    candidates = [attrs.get("src", ""), attrs.get("data", "")]
    if tag == "param" and attrs.get("name", "").lower() in {"movie", "src", "url"}:
        candidates.append(attrs.get("value", ""))
    return [url for url in map(_absolute, candidates) if url]


def _script_page(src: str) -> str | None:
    url = _absolute(src)
    parts = urlsplit(url or "")
    # A gist's script only prints the gist, and its page shows the same code.
    if parts.hostname == "gist.github.com" and parts.path.endswith(".js"):
        return f"https://gist.github.com{parts.path.removesuffix('.js')}"
    return url


def _embed_html(frame: _Frame) -> str:
    title = " ".join(frame.title.split())
    title = "" if title.lower() in GENERIC_TITLES else title
    for url in frame.urls:
        parts = urlsplit(url)
        where = f"{parts.hostname}{parts.path}"
        if match := YOUTUBE_RE.match(where):
            site, href = "YouTube", f"https://www.youtube.com/watch?v={match[1]}"
        elif match := VIMEO_RE.match(where):
            site, href = "Vimeo", f"https://vimeo.com/{match[1]}"
        else:
            continue
        label = f"{site} video: {title}" if title else f"Watch the video on {site}"
        return (
            f'<figure class="embed"><a class="embed-video" href="{html.escape(href)}">'
            f"{html.escape(label)}</a></figure>"
        )
    return _removed_note(frame.urls[0] if frame.urls else None)


def _removed_note(url: str | None) -> str:
    if not url:
        return '<p class="embed-removed">Embedded content removed.</p>'
    url = html.escape(url)
    return f'<p class="embed-removed">Embedded content removed: <a href="{url}">{url}</a></p>'


def _emphasis(tag: str, style: str) -> list[str]:
    """The emphasis elements a reader saw, from the tag itself and from its inline style."""
    css = {}
    for declaration in style.lower().split(";"):
        prop, _, value = declaration.partition(":")
        css[prop.strip()] = value.split("!")[0].strip()
    weight, slant = css.get("font-weight", ""), css.get("font-style", "")
    wrappers = []
    # Google Docs wraps pasted text in <b style="font-weight: normal">, which reads as plain.
    if tag in {"b", "strong"} and weight not in {"normal", "400", "lighter"}:
        wrappers.append(tag)
    elif weight in {"bold", "bolder"} or (weight.isdigit() and 600 <= int(weight) <= 900):
        wrappers.append("strong")
    if tag in {"i", "em"} and slant != "normal":
        wrappers.append(tag)
    elif slant in {"italic", "oblique"}:
        wrappers.append("em")
    if "line-through" in css.get("text-decoration", "") + css.get("text-decoration-line", ""):
        wrappers.append("s")
    return wrappers
