"""`import_blogger --copy-images`: bring an imported blog's pictures into the media library.

Each picture is downloaded once (with a timeout and a size limit), checked and stripped of
metadata like an upload (images.prepare_upload), given renditions, and the essay then points
at our copy. A picture that cannot be fetched is reported and the essay keeps linking to it.
Runs after the import has committed: no database transaction waits on the network.
"""

import html
import re
from collections.abc import Callable
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.files.base import ContentFile

from ..images import ImageRejected, prepare_upload
from ..models import Article, Image
from ..rendering import BodyFormat
from ..services import process_image

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
    for article in articles:
        for fetch, _, alt in _pictures(article.body):
            wanted.setdefault(fetch, (alt, article.title))
    report, copies = [], {}
    for done, (url, (alt, title)) in enumerate(wanted.items(), 1):
        image, outcome = _copy(url, alt or f"A picture from “{title}”")
        if image is not None:
            copies[url] = image
        report.append((url, outcome))
        progress(done, len(wanted))
    for article in articles:
        body = _point_at_copies(article.body, copies)
        if body != article.body:
            article.body = body
            article.save()
    return report


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
    process_image(image=image)
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
