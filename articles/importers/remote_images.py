"""`import_blogger --copy-images`: bring an imported blog's pictures into the media library.

Each picture is a task (`copy_imported_picture`, queued once the import has committed, at a
lower priority than the site's own work such as email): the worker downloads it once (with a
timeout and a size limit), checks and strips it like an upload (images.prepare_upload), makes
its renditions, then points the essays at our copy, so an essay goes straight from Blogger's
picture to a right-sized one of ours, never to a heavy original. A picture that cannot be
fetched is reported in the task's result and the essay keeps linking to it. A re-run finds
the copies already made (Image.source_url) and fetches nothing twice; `--dry-run` queues
nothing. Where tasks run at once (the immediate backend, as in tests), the command reports each
picture's outcome; with the worker it reports them queued (the outcomes are in the task list).
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
from django_tasks import TaskResultStatus

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
        report.append((url, _queue(url, alt or f"A picture from “{title}”", list(shown_in[url]))))
        progress(done, len(wanted))
    return report


def _queue(url: str, alt: str, article_ids: list[int]) -> str:
    from ..tasks import copy_imported_picture  # the task module loads this one when it runs

    try:
        result = copy_imported_picture.enqueue(url, alt, article_ids)
    except Exception as exc:  # nothing is lost: a re-run of the import queues it again
        logger.warning("Could not queue the copy of %s", url, exc_info=True)
        return f"not queued ({type(exc).__name__}); run the import again to copy it"
    if result.status == TaskResultStatus.SUCCESSFUL:  # tasks that run at once
        return result.return_value
    if result.status == TaskResultStatus.FAILED:
        return "not copied: the copy failed (see the task list)"
    return QUEUED


QUEUED = "queued for the task worker"


def copy_and_use(*, url: str, alt: str, article_ids: list[int]) -> str:
    """The task's body: copy the picture (once), make its renditions, switch the essays."""
    image, outcome = _copy(url, alt)
    if image is None:
        return outcome
    return f"{outcome}; {use_copy(image_id=image.pk, article_ids=article_ids)}"


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
        attrs, src, link, fetch = _parts(match)
        if not src.startswith(("http://", "https://")):
            continue
        yield fetch, src, html.unescape(attrs.get("alt", ""))[:250]


def _parts(match):
    """(attributes, <img> address, link address, address to fetch) of a PICTURE match."""
    attrs = dict(ATTRIBUTE.findall(match.group("attrs")))
    src = html.unescape(attrs.get("src", ""))
    link = html.unescape(match.group("link") or "")
    # Blogger links a picture to its full-size original: fetch that one when there is one.
    fetch = link if link and _looks_like_image(link, src) else src
    return attrs, src, link, fetch


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
        attrs, _, link, fetch = _parts(match)
        image = copies.get(fetch)
        if image is None:
            return match.group(0)
        text = match.group(0).replace(f'src="{attrs["src"]}"', f'src="{image.fallback_url}"')
        if match.group("link") and fetch == link:
            text = text.replace(f'href="{match.group("link")}"', f'href="{image.file.url}"', 1)
        return text

    return PICTURE.sub(replace, body)
