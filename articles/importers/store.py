"""Helpers shared by the importers, and storing a plain-text essay."""

import html
import re
from collections.abc import Callable

import nh3
import reversion
from anyascii import anyascii
from django.db import transaction
from django.utils.text import Truncator, slugify
from reversion.models import Version

from ..models import Article, ArticleAuthor, Author, Section
from . import plaintext


def slug_for(text: str, max_length: int = 200) -> str:
    """A Latin slug for any name: Cyrillic, Korean or Japanese are transliterated, not lost."""
    return slugify(anyascii(text))[:max_length].strip("-")


def unique_slug(text: str, model=Article, max_length: int = 200, fallback: str = "essay") -> str:
    base = slug_for(text, max_length - 8) or fallback
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def named(model, name: str, on_create: Callable = lambda obj: None, *, slug: str = "", found=None):
    """Find a section, topic or author by name, or create it with a free slug (`slug`'s
    if free: an export's own slug keeps the old addresses' words). `found`, an import run's
    dict, keeps each one found, so a run looks each name up once, not once per post."""
    name = name.strip()[:100]
    if found is not None and (model, name) in found:
        return found[model, name]
    obj = model.objects.filter(name=name).first()
    if obj is None:
        fallback = model._meta.model_name
        obj = model.objects.create(name=name, slug=unique_slug(slug or name, model, 100, fallback))
        on_create(obj)
    if found is not None:
        found[model, name] = obj
    return obj


def edited_here(obj) -> bool:
    """Saved here (the admin writes a revision) since an import last wrote it."""
    latest = Version.objects.get_for_object(obj).select_related("revision").first()
    return latest is not None and not latest.revision.comment.startswith("Imported from ")


def standfirst_from(markup: str) -> str:
    """The first paragraph of an imported post, as plain text (scripts and styles dropped)."""
    blocks = re.sub(r"(?i)</p\s*>|<br\s*/?>|</div\s*>|</h[1-6]\s*>|</figcaption\s*>", "\n", markup)
    text = html.unescape(nh3.clean(blocks, tags=set()))
    first = next((line for line in text.splitlines() if line.strip()), "")
    return Truncator(" ".join(first.split())).words(45)


@transaction.atomic
def store_plain_essay(
    essay: plaintext.PlainEssay, *, section_name: str | None, author_name: str, publish: bool
) -> Article:
    section = named(Section, section_name or essay.section)
    if Article.objects.filter(title=essay.title, section=section).exists():
        raise plaintext.EssayFileError(
            f"“{essay.title}” is already in {section.name}; nothing was imported."
        )
    with reversion.create_revision():
        reversion.set_comment("Imported from a text file.")
        article = Article.objects.create(
            title=essay.title,
            slug=unique_slug(essay.title),
            standfirst=essay.standfirst,
            body=essay.body,
            section=section,
            status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        )
        ArticleAuthor.objects.create(article=article, author=named(Author, author_name))
    return article
