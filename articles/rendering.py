"""Markdown → sanitised HTML for essay bodies, run once when an article is saved."""

import math
import re

import markdown
import nh3
from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.html import strip_tags

# Body images fill the essay column (34rem ≈ 544px) or the screen width below it.
BODY_SIZES = "(min-width: 36rem) 34rem, 100vw"
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol",
    "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
# Imported HTML also keeps Blogger's line-per-<div> layout and video links (see embeds.js).
HTML_BODY_TAGS = ALLOWED_TAGS | {"div"}
HTML_BODY_CLASSES = {"figure": {"embed"}, "a": {"embed-video"}, "p": {"embed-removed"}}
WORD_RE = re.compile(r"\w[\w'’-]*")
# `[image:42]` on a line of its own places uploaded image 42 (with its caption and credit).
IMAGE_TAG_RE = re.compile(r"<p>\[image:(\d+)\]</p>")


class BodyFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


def render_body(text: str, body_format: str) -> str:
    if body_format == BodyFormat.HTML:
        return sanitise_html(text)
    return render_markdown(text)


def sanitise_html(html: str) -> str:
    """An HTML body (an imported post) with only markup that cannot run script."""
    return nh3.clean(
        _demote_h1(html),
        tags=HTML_BODY_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=HTML_BODY_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _demote_h1(html: str) -> str:
    return re.sub(r"<(/?)h1\b", r"<\1h2", html, flags=re.IGNORECASE)


def render_markdown(text: str) -> str:
    """Render an editor's Markdown and keep only tags and attributes that cannot run script.

    The headline is the page's only `h1`, so a `# heading` in the body becomes an `h2`.
    """
    # No footnotes: they need element ids, which the sanitiser removes.
    extensions = ["tables", "fenced_code", "def_list", "abbr", "sane_lists"]
    html = markdown.markdown(text, extensions=extensions, output_format="html")
    return nh3.clean(
        _demote_h1(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def figure_ids(html: str) -> set[int]:
    """The images an essay body places with `[image:ID]` lines."""
    return {int(match) for match in IMAGE_TAG_RE.findall(html)}


def with_figures(html: str, images: dict, *, base_url: str = "") -> str:
    """`body_html` with each `[image:ID]` line replaced by its figure (unknown ids vanish).

    Figures are placed when the page is shown, not when the essay is saved, so a new caption,
    a replaced or deleted image, or media moved to another store show at once. The markup the
    sanitiser would strip (`<picture>`, `srcset`) comes only from our template. With
    `base_url` (feeds), a plain `<img>` with an absolute address is used instead.
    """

    def figure(match):
        image = images.get(int(match.group(1)))
        if image is None:
            return ""
        if base_url:
            return render_to_string(
                "articles/_feed_figure.html", {"image": image, "base": base_url}
            )
        return render_to_string("articles/_figure.html", {"image": image, "sizes": BODY_SIZES})

    return IMAGE_TAG_RE.sub(figure, html)


def count_words(html: str) -> int:
    """Words a reader reads: tags and `[image:ID]` lines do not count."""
    return len(WORD_RE.findall(strip_tags(IMAGE_TAG_RE.sub(" ", html))))


def reading_minutes(word_count: int) -> int:
    return max(1, math.ceil(word_count / settings.READING_WORDS_PER_MINUTE))
