"""`import_blogger --copy-images`: bring an imported blog's pictures into the media library.

Each picture is downloaded once (with a timeout and a size limit) and checked and stripped of
metadata like an upload (images.prepare_upload). Its renditions are then made by the task
worker, which also points the essays at our copy once they exist (`use_copy`), so an essay
goes straight from Blogger's picture to a right-sized one of ours, never to a heavy original.
A picture that cannot be fetched is reported and the essay keeps linking to it.
Runs after the import has committed: no database transaction waits on the network.

Decision (issue 12): the downloads stay in the command; only the renditions and the switch of
the essays run as tasks. The command is not a web request (no reader or editor waits on it),
and downloading there keeps what an operator relies on: every picture reported at once as
copied, already copied or not copied and why, a re-run that fetches nothing twice, and
`--dry-run` fetching nothing. Downloads in the worker would turn that report into task
results to look up, and put a whole blog's pictures in the queue ahead of the site's email.
The renditions, the slow part, run at a lower priority than the site's own tasks.
"""

import html
import logging
import re
from collections.abc import Callable
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from ..images import ImageRejected, prepare_upload
from ..models import Article, Image
from ..rendering import BodyFormat
from ..services import render_image

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
# An <img>, and the link around it when the post linked the picture to its full size.
PICTURE = re.compile(
    r'(?:<a href="(?P<link>[^"]+)"[^>]*>\s*)?<img\b(?P<attrs>[^>]*)>', re.IGNORECASE
)
ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"')
IMAGE_PATH = re.compile(r"\.(jpe?g|png|gif|webp)$", re.IGNORECASE)


def copy_images(
    article_ids, *, progress: Callable[[int, int], None] = lambda done, total: None
) -> list[tuple[str, str]]:
    """Copy the pictures of these essays; returns (address, what happened) for each."""
    articles = list(
        Article.objects.filter(pk__in=article_ids, body_format=BodyFormat.HTML).only(
            "body", "title"
        )
    )
    wanted: dict[str, tuple[str, str]] = {}  # address to fetch → (alt text, title)
    shown_in: dict[str, dict[int, None]] = {}  # address → the essays showing it, in order
    for article in articles:
        for fetch, _, alt in _pictures(article.body):
            wanted.setdefault(fetch, (alt, article.title))
            shown_in.setdefault(fetch, {})[article.pk] = None
    report = []
    for done, (url, (alt, title)) in enumerate(wanted.items(), 1):
        image, outcome = _copy(url, alt or f"A picture from “{title}”")
        if image is not None:
            _queue_use(image, list(shown_in[url]))
        report.append((url, outcome))
        progress(done, len(wanted))
    return report


def _queue_use(image: Image, article_ids: list[int]) -> None:
    from ..tasks import use_imported_picture  # the task module loads this one when it runs

    def enqueue():
        try:
            use_imported_picture.enqueue(image.pk, article_ids)
        except Exception:  # the copy is stored; a re-run of the import queues it again
            logger.warning("Could not enqueue the use of image %s", image.pk, exc_info=True)

    transaction.on_commit(enqueue)


def use_copy(*, image_id: int, article_ids: list[int]) -> str:
    """The task's body: make the copy's renditions, then point these essays at them."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return "skipped: the copy was deleted; the essays keep linking to the original"
    outcome = render_image(image_id=image.pk, file_name=image.file.name)
    image.refresh_from_db()
    if not image.renditions:
        return f"{outcome}; the essays keep linking to the original"
    switched = 0
    for article_id in article_ids:
        # The body as it is now, locked: an editor's changes since the import are kept.
        with transaction.atomic():
            article = (
                Article.objects.select_for_update()
                .filter(pk=article_id, body_format=BodyFormat.HTML)
                .first()
            )
            if article is None:
                continue
            body = _point_at_copies(article.body, {image.source_url: image})
            if body != article.body:
                article.body = body
                article.save()
                switched += 1
    return f"{outcome}; {switched} essays now show it"


def _pictures(body: str):
    """(address to fetch, <img> address, alt) for each remote picture in a body."""
    for match in PICTURE.finditer(body):
        attrs = dict(ATTRIBUTE.findall(match.group("attrs")))
        src = html.unescape(attrs.get("src", ""))
        if not src.startswith(("http://", "https://")):
            continue
        link = html.unescape(match.group("link") or "")
        # Blogger links a picture to its full-size original: fetch that one when there is one.
        fetch = link if link and _looks_like_image(link, src) else src
        yield fetch, src, html.unescape(attrs.get("alt", ""))[:250]


def _looks_like_image(link: str, src: str) -> bool:
    return (
        bool(IMAGE_PATH.search(urlsplit(link).path))
        or urlsplit(link).netloc == urlsplit(src).netloc
    )


def _copy(url: str, alt: str) -> tuple[Image | None, str]:
    existing = Image.objects.filter(source_url=url).first()
    if existing:
        return existing, f"already in the media library as image #{existing.pk}"
    try:
        data = _download(url)
        name = urlsplit(url).path.rsplit("/", 1)[-1] or "image"
        prepared = prepare_upload(ContentFile(data, name=name))
    except ImageRejected as exc:
        return None, f"not copied: {exc} The essay keeps linking to it."
    except (URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
        return None, f"not copied: {reason}. The essay keeps linking to it."
    image = Image.objects.create(file=prepared.content, alt_text=alt, source_url=url)
    return image, f"copied as image #{image.pk}"


def _download(url: str) -> bytes:
    limit = settings.IMAGE_MAX_UPLOAD_MB * 1024 * 1024
    request = Request(url, headers={"User-Agent": "essayblog-importer"})
    with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https only)
        data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {settings.IMAGE_MAX_UPLOAD_MB} MB")
    return data


def _point_at_copies(body: str, copies: dict[str, Image]) -> str:
    def replace(match):
        attrs = dict(ATTRIBUTE.findall(match.group("attrs")))
        src = html.unescape(attrs.get("src", ""))
        link = html.unescape(match.group("link") or "")
        fetch = link if link and _looks_like_image(link, src) else src
        image = copies.get(fetch)
        if image is None:
            return match.group(0)
        text = match.group(0).replace(f'src="{attrs["src"]}"', f'src="{image.fallback_url}"')
        if match.group("link") and fetch == link:
            text = text.replace(f'href="{match.group("link")}"', f'href="{image.file.url}"', 1)
        return text

    return PICTURE.sub(replace, body)
