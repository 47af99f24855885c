"""Image uploads with Pillow: verify, orient, strip metadata, and make responsive renditions.

Everything is read and written through Django's storage API (`default_storage`), so media can
live on an S3-compatible store by changing STORAGES alone.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRejected(ValueError):
    """An upload that is not an image we accept; the message is shown to the editor."""


@dataclass
class PreparedImage:
    content: ContentFile
    width: int
    height: int


def open_verified(file) -> PILImage.Image:
    """Open an uploaded file as an image, refusing anything that is not a safe, real image."""
    limit_mb = settings.IMAGE_MAX_UPLOAD_MB
    if file.size > limit_mb * 1024 * 1024:
        raise ImageRejected(f"This file is larger than {limit_mb} MB. Please upload a smaller one.")
    max_pixels = settings.IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            file.seek(0)
            probe = PILImage.open(file)
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageRejected(
                    f"This image is {width}×{height} pixels; the limit is "
                    f"{max_pixels // 1_000_000} megapixels."
                )
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageRejected("Upload a JPEG, PNG, WebP or GIF image.")
            probe.verify()  # checks the file's structure; the image must be reopened after
            file.seek(0)
            image = PILImage.open(file)
            image.seek(0)  # an animated GIF keeps its first frame
            image.load()  # decodes every pixel: a truncated file fails here
    except ImageRejected:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageRejected(
            f"This image has too many pixels to process safely (the limit is "
            f"{max_pixels // 1_000_000} megapixels)."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected(
            "This file is not a readable image (it may be damaged or not an image at all)."
        ) from exc
    return image


def prepare_upload(file) -> PreparedImage:
    """The original as it will be stored: upright, re-encoded, with no EXIF or GPS metadata."""
    image = ImageOps.exif_transpose(open_verified(file))
    keeps_alpha = image.mode in {"RGBA", "LA", "P"} and _has_alpha(image)
    buffer = io.BytesIO()
    if keeps_alpha:
        image.convert("RGBA").save(buffer, "PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(buffer, "JPEG", quality=90, optimize=True)
        extension = "jpg"
    stem = (getattr(file, "name", "") or "image").rsplit("/", 1)[-1].rsplit(".", 1)[0][:80]
    return PreparedImage(ContentFile(buffer.getvalue(), name=f"{stem}.{extension}"), *image.size)


def make_renditions(name: str, *, folder: str) -> dict[str, dict[str, str]]:
    """WebP and JPEG copies of a stored image at each configured width (never upscaled).

    Returns {"480": {"webp": name, "jpeg": name}, …}, the widths in ascending order.
    """
    with default_storage.open(name, "rb") as stored:
        image = PILImage.open(stored)
        image.load()
    widths = sorted({w for w in settings.IMAGE_RENDITION_WIDTHS if w < image.width})
    widths.append(min(image.width, max(settings.IMAGE_RENDITION_WIDTHS)))
    renditions = {}
    for width in sorted(set(widths)):
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), PILImage.Resampling.LANCZOS)
        renditions[str(width)] = {
            "webp": _save(resized, f"{folder}/{width}.webp", "WEBP", quality=80),
            "jpeg": _save(_flatten(resized), f"{folder}/{width}.jpg", "JPEG", quality=82),
        }
    return renditions


def _save(image, name: str, fmt: str, **options) -> str:
    buffer = io.BytesIO()
    image.save(buffer, fmt, optimize=True, **options)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def _flatten(image):
    """JPEG has no transparency: put transparent images on white."""
    if image.mode in {"RGBA", "LA", "P"}:
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _has_alpha(image) -> bool:
    if image.mode == "P":
        return "transparency" in image.info
    return image.getchannel("A").getextrema()[0] < 255
