"""The 1200×630 link-preview image for essays without a featured image, drawn with Pillow."""

import hashlib
import io
import textwrap
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
MARGIN = 72
# DejaVu covers Cyrillic and accents; Pillow's bundled font is the fallback elsewhere.
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]


def _font(size: int, bold: bool = False):
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Greedy wrap to a pixel width; the last line gets an ellipsis if text is left over."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == max_lines:
            break
    if line and len(lines) < max_lines:
        lines.append(line)
    if len(lines) == max_lines and " ".join(lines) != " ".join(words):
        lines[-1] = textwrap.shorten(lines[-1] + " …", len(lines[-1]), placeholder=" …")
    return lines


def render_card(*, section: str, title: str, standfirst: str) -> bytes:
    image = Image.new("RGB", SIZE, "#fbf8f3")
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    draw.rectangle([0, 0, SIZE[0], 14], fill="#8a1c1c")
    y = MARGIN
    draw.text((MARGIN, y), section.upper(), font=_font(28, bold=True), fill="#8a1c1c")
    y += 56
    title_font = _font(60, bold=True)
    for line in _wrap(draw, title, title_font, width, max_lines=4):
        draw.text((MARGIN, y), line, font=title_font, fill="#1d1d1f")
        y += 72
    y += 16
    body_font = _font(30)
    lines_left = max(0, (SIZE[1] - MARGIN - 40 - y) // 42)
    for line in _wrap(draw, standfirst, body_font, width, max_lines=min(3, lines_left)):
        draw.text((MARGIN, y), line, font=body_font, fill="#444444")
        y += 42
    draw.text(
        (MARGIN, SIZE[1] - MARGIN), settings.SITE_NAME, font=_font(26, bold=True), fill="#1d1d1f"
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def social_card(article) -> bytes:
    """The card for this essay, drawn once per headline/standfirst and kept in media storage."""
    text = "\n".join([settings.SITE_NAME, article.section.name, article.title, article.standfirst])
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    name = f"social/{article.pk}-{digest}.png"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    content = render_card(
        section=article.section.name, title=article.title, standfirst=article.standfirst
    )
    default_storage.save(name, ContentFile(content))
    return content
