"""One essay from a plain-text file: section, headline, standfirst, then a paragraph per line."""

import html
import re
from dataclasses import dataclass

# A blog engine's footer under a post, when its page is saved as text: everything from the
# first of these lines on is dropped, and stray navigation lines at the very end too.
FOOTER_START = re.compile(r"^(no comments:?|\d+ comments?:?|post a comment)$", re.IGNORECASE)
TRAILING_JUNK = re.compile(
    r"^((newer|older) posts?|home|\W|subscribe to:.*|share this:?|labels?:.*|\s)+$",
    re.IGNORECASE,
)
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")
MARKDOWN_START = re.compile(r"^([#+\-])|^(\d+)([.)])")


class EssayFileError(ValueError):
    """The file does not have the layout an essay needs; nothing was imported."""


@dataclass
class PlainEssay:
    section: str
    title: str
    standfirst: str
    paragraphs: list[str]

    @property
    def body(self) -> str:
        """Markdown that shows exactly the text: nothing in it is read as markup."""
        return "\n\n".join(_literal(p) for p in self.paragraphs)


def parse(text: str) -> PlainEssay:
    lines = [line.strip() for line in text.replace("\ufeff", "").splitlines()]
    lines = [line for line in lines if line]
    footer = next((i for i, line in enumerate(lines) if i >= 3 and FOOTER_START.match(line)), None)
    if footer is not None:
        lines = lines[:footer]
    while lines and (TRAILING_JUNK.match(lines[-1]) or FOOTER_START.match(lines[-1])):
        lines.pop()
    if len(lines) < 2:
        raise EssayFileError("The file has no headline (line 2 should be the headline).")
    if len(lines) < 3:
        raise EssayFileError("The file has no standfirst (line 3 should be one paragraph).")
    if len(lines) < 4:
        raise EssayFileError("The file has no body (one paragraph per line after line 3).")
    section, title, standfirst, *paragraphs = lines
    if len(title) > 200:
        raise EssayFileError("Line 2 is too long for a headline (over 200 characters).")
    return PlainEssay(section[:100], title, standfirst, paragraphs)


def _literal(paragraph: str) -> str:
    escaped = MARKDOWN_INLINE.sub(r"\\\1", html.escape(paragraph, quote=False))
    return MARKDOWN_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped
    )
