"""The demo content as files: demo/listings.toml and one Markdown file per essay.

An essay file starts with TOML front matter between two `+++` lines, then the body in Markdown:

    +++
    title = "The Quiet Arithmetic of Bus Lanes"
    slug = "quiet-arithmetic-of-bus-lanes"
    section = "working-paper"           # slugs from listings.toml
    authors = ["ines-carvalho"]         # in byline order
    topics = ["cities", "democracy"]
    status = "published"                # or "draft"
    published_at = "-11 days"           # from the first load: "-N days", "+N days" or "now"
    standfirst = "One paragraph."

    [[comments]]                        # any number, in the order they were posted
    name = "Priya N."
    email = "priya@example.org"
    status = "approved"                 # pending, spam or removed are seen only by moderators
    hours_after = 5                     # after publication
    reply_to = 1                        # optional: the first comment of this file
    text = "…"
    +++
    The body…
"""

import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LISTINGS = ROOT / "listings.toml"
ESSAYS = ROOT / "essays"
FENCE = "+++"
OFFSET = re.compile(r"now|([+-]\d+) days?")


class DemoContentError(ValueError):
    """A demo file that cannot be read; the message names the file and what is wrong."""


@dataclass
class Essay:
    title: str
    slug: str
    section: str
    authors: list[str]
    status: str
    published_at: timedelta  # from now
    standfirst: str
    body: str
    topics: list[str] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)


def listings() -> dict[str, list[dict]]:
    """{"sections": [...], "topics": [...], "authors": [...]}, each row a dict with a slug."""
    with LISTINGS.open("rb") as file:
        data = tomllib.load(file)
    return {name: data.get(name, []) for name in ("sections", "topics", "authors")}


def essays() -> list[Essay]:
    """Every essay file, in file-name order."""
    return [read_essay(path) for path in sorted(ESSAYS.glob("*.md"))]


def read_essay(path: Path) -> Essay:
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    front, fence, body = rest.partition(f"\n{FENCE}\n")
    if first.strip() != FENCE or not fence:
        raise DemoContentError(f"{path.name}: front matter must sit between two '+++' lines")
    try:
        meta = tomllib.loads(front)
        offset = OFFSET.fullmatch(meta.pop("published_at", "now").strip())
        if offset is None:
            raise DemoContentError("published_at must read like '-20 days', '+7 days' or 'now'")
        return Essay(**meta, published_at=timedelta(days=int(offset[1] or 0)), body=body.strip())
    except (tomllib.TOMLDecodeError, TypeError, DemoContentError) as error:
        raise DemoContentError(f"{path.name}: {error}") from error
