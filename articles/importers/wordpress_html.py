"""A WordPress post's stored content → the HTML its readers saw, in the essay vocabulary.

WordPress stores a post as the editor left it and builds the page on every view: the classic
editor's text gets paragraphs from blank lines (`wpautop`), block-editor content carries
`<!-- wp:… -->` comments around HTML that is already complete, and `[shortcodes]` are expanded
by PHP. Here the same happens once, at import: paragraphs, captions and galleries become
HTML, block comments go, and what only WordPress's PHP could draw (other shortcodes, dynamic
blocks) is left visible and named in the summary. The result then goes through the Blogger
importer's cleaner (`clean_post_html`), and is sanitised again when the essay is saved.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from .blogger_html import clean_post_html

# What wpautop treats as blocks: never wrapped in <p>, and they end a paragraph.
BLOCK = (
    "address|article|aside|audio|blockquote|caption|col|colgroup|dd|details|div|dl|dt|"
    "embed|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|iframe|legend|li|"
    "map|math|menu|nav|object|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|"
    "video"
)
BLOCK_START = re.compile(rf"(?i)<(?:{BLOCK})\b[^<>]*>")
BLOCK_END = re.compile(rf"(?i)</(?:{BLOCK})\s*>")
STARTS_WITH_BLOCK = re.compile(rf"(?i)^</?(?:{BLOCK})\b")
PRE = re.compile(r"(?is)<pre\b(?:(?!<pre\b).)*?</pre\s*>")
# Attributes are JSON, which WordPress writes with "--" escaped; each match stops at the next
# comment's start, so a body of unclosed ones is read once, not once per comment.
BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9/-]+)(?:(?!-->|<!--).)*?(/?)-->", re.DOTALL)
MORE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b(?:(?!-->|<!--).)*?-->", re.I | re.S)
CAPTION = re.compile(
    r"\[(caption|wp_caption)\b([^\]]*)\]((?:(?!\[/?(?:wp_)?caption\b).)*)\[/\1\]", re.DOTALL
)  # the content stops at the next caption tag: unclosed ones cannot make it quadratic
GALLERY = re.compile(r"\[gallery\b([^\[\]]*)\]")
EMBED = re.compile(r"\[embed\b[^\[\]]*\]\s*([^\s\[]+)\s*\[/embed\]")
SHORTCODE = re.compile(r"\[([a-z][a-z0-9_-]*)(?=[\s\]/])[^\[\]\n]*\]")
ATTRIBUTE = re.compile(r'([a-z_]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s\]]+))')
LONE_URL = re.compile(r"(?m)^[ \t]*(https?://[^\s<>\"]+)[ \t]*$")
VIDEO_HOSTS = re.compile(r"^https?://(?:www\.|m\.)?(?:youtube\.com/watch|youtu\.be/|vimeo\.com/\d)")
# Blocks with no markup of their own in the post: WordPress's PHP draws them on each view.
QUIET_DYNAMIC = {"more", "nextpage", "spacer", "separator"}


@dataclass
class Converted:
    html: str
    shortcodes: Counter = field(default_factory=Counter)  # names left visible
    dynamic_blocks: Counter = field(default_factory=Counter)  # wp:… blocks not drawn


def convert(content: str, attachments: dict, post_id: str) -> Converted:
    """`attachments` maps an attachment's post id to its wordpress.Attachment."""
    result = Converted("")
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    has_blocks = bool(BLOCK_COMMENT.search(text))
    text = BLOCK_COMMENT.sub(lambda m: _block_comment(m, result), text)
    text = MORE.sub("", text)
    text = CAPTION.sub(_caption, text)
    text = GALLERY.sub(lambda m: _gallery(m, attachments, post_id), text)
    text = EMBED.sub(lambda m: f"\n\n{_link_or_video(m.group(1))}\n\n", text)
    text = LONE_URL.sub(lambda m: _link_or_video(m.group(1)), text)
    result.shortcodes.update(m.group(1) for m in SHORTCODE.finditer(text))
    # Block-editor content is complete HTML; WordPress runs wpautop only on classic content.
    result.html = clean_post_html(escape_unclosed(text if has_blocks else autop(text)))
    return result


def escape_unclosed(markup: str) -> str:
    """Every "<" that starts no tag (another "<" comes before its ">") as text, "&lt;".

    A browser shows those as text too; and Python's html.parser re-reads the rest of the body
    for each one, so 30,000 of them took a minute. Comments are skipped whole. One pass.
    """
    out, start, closing = [], 0, -1
    position = markup.find("<")
    while position >= 0:
        if markup.startswith("<!--", position):
            end = markup.find("-->", position + 4)
            if end >= 0:
                position = markup.find("<", end + 3)
                continue
        if closing <= position:
            closing = markup.find(">", position + 1)
            closing = closing if closing >= 0 else len(markup)
        following = markup.find("<", position + 1)
        if closing == len(markup) or 0 <= following < closing:
            out += [markup[start:position], "&lt;"]
            start = position + 1
        position = following
    out.append(markup[start:])
    return "".join(out)


def autop(text: str) -> str:
    """Blank lines make paragraphs and single line breaks <br>, around and between blocks."""
    kept: list[str] = []

    def keep(match) -> str:
        kept.append(match.group())
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = PRE.sub(keep, text)
    text = BLOCK_START.sub(lambda m: f"\n\n{m.group()}", text)
    text = BLOCK_END.sub(lambda m: f"{m.group()}\n\n", text)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if STARTS_WITH_BLOCK.match(chunk) or chunk.startswith("\x00"):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    joined = "\n".join(paragraphs)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], joined)


def figure_html(url: str, alt: str, caption: str = "") -> str:
    """A captioned picture, as the essay body writes one."""
    picture = f'<img src="{html.escape(url)}" alt="{html.escape(alt)}">'
    if caption:
        return f"<figure>{picture}<figcaption>{html.escape(caption)}</figcaption></figure>"
    return f"<figure>{picture}</figure>"


def _block_comment(match, result: Converted) -> str:
    closing, name, self_closing = match.groups()
    if self_closing and not closing and name.removeprefix("core/") not in QUIET_DYNAMIC:
        result.dynamic_blocks[f"wp:{name}"] += 1
    return ""


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in ATTRIBUTE.finditer(text)}  # fmt: skip


def _caption(match) -> str:
    """`[caption]<a><img></a> The words[/caption]` (or `caption="…"`) → a figure."""
    attributes = _attributes(match.group(2))
    inner = match.group(3).strip()
    image = re.match(r"(?is)\s*((?:<a\b[^<>]*>\s*)?<img\b[^<>]*>(?:\s*</a>)?)", inner)
    picture = image.group(1) if image else ""
    words = (inner[image.end() :] if image else inner).strip() or attributes.get("caption", "")
    caption = f"<figcaption>{words}</figcaption>" if words else ""
    return f"\n\n<figure>{picture}{caption}</figure>\n\n"


def _gallery(match, attachments: dict, post_id: str) -> str:
    """A gallery shows the pictures it names (`ids=`), else those attached to the post."""
    ids = [i.strip() for i in _attributes(match.group(1)).get("ids", "").split(",") if i.strip()]
    if ids:
        pictures = [attachments[i] for i in ids if i in attachments]
    else:
        pictures = [a for a in attachments.values() if a.parent == post_id]
    figures = [figure_html(a.url, a.alt or a.title, a.caption) for a in pictures if a.url]
    return "\n\n" + "\n".join(figures) + "\n\n" if figures else ""


def _link_or_video(url: str) -> str:
    """WordPress turns a lone video address into its player, any other into a card."""
    url = html.unescape(url)
    if VIDEO_HOSTS.match(url):
        embed = re.sub(
            r"^.*(?:v=|youtu\.be/)([A-Za-z0-9_-]{6,20}).*$", r"youtube.com/embed/\1", url
        )
        embed = re.sub(
            r"^https?://(?:www\.)?vimeo\.com/(\d+).*$", r"player.vimeo.com/video/\1", embed
        )
        return f'<iframe src="https://{html.escape(embed)}"></iframe>'
    return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'
