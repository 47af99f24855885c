"""Image uploads with Pillow: verify, orient, strip metadata, and make responsive renditions.

Every image field in the project goes through here (articles/fields.py): essay images, author
photos, imported pictures. Only pixels survive: the file is decoded and encoded again, so EXIF
(GPS, camera), XMP, JPEG comments, PNG text, ICC profiles and anything appended after the image
data (HTML behind a GIF) are gone from the stored original and from every rendition.

Everything is read and written through Django's storage API (`default_storage`), so media can
live on an S3-compatible store by changing STORAGES alone.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# WebP cannot encode a side longer than this. Such images are refused at upload rather than
# resized: a strip 30,000 px long is not a picture an essay column can show, the editor is
# better placed to crop it than we are to guess, and since renditions are never larger than
# the original, an original within the limit always gets all its renditions.
WEBP_MAX_SIDE = 16383
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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
            if max(width, height) > WEBP_MAX_SIDE:
                raise ImageRejected(
                    f"This image is {width}×{height} pixels; neither side may be longer than "
                    f"{WEBP_MAX_SIDE:,} pixels. Please crop it or make it smaller."
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


# Converting a wide-gamut picture to sRGB costs about a second on 40 megapixels. Up to this
# size it is done in the request; a larger one (an essay image: author photos are scaled down
# first) is stored with its colour profile and nothing else, so browsers show its colours right,
# and the rendition task converts it and replaces the stored original (services.render_image).
CONVERT_IN_REQUEST_PIXELS = 4_000_000


def prepare_upload(file, *, max_side: int | None = None) -> PreparedImage:
    """The original as it will be stored: upright, in sRGB, re-encoded with no metadata at all
    (a large wide-gamut picture keeps its colour profile until the rendition task converts it).

    With `max_side`, a larger picture is scaled down to fit (author photos are shown small).
    """
    image = open_verified(file)
    # EXIF that cannot be parsed fails in many ways (SyntaxError, struct.error, …): with no
    # readable orientation the pixels stay as they are, and the EXIF goes anyway.
    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)
    if max_side and max(image.size) > max_side:
        image.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
    profile = wide_gamut_profile(image)
    if profile and image.width * image.height <= CONVERT_IN_REQUEST_PIXELS:
        image, profile = to_srgb(image), None
    content, extension = encode_original(image, icc_profile=profile)
    stem = (getattr(file, "name", "") or "image").rsplit("/", 1)[-1].rsplit(".", 1)[0][:80]
    return PreparedImage(ContentFile(content, name=f"{stem}.{extension}"), *image.size)


def encode_original(image: PILImage.Image, *, icc_profile: bytes | None = None):
    """(bytes, extension): PNG if it has transparency, else JPEG; no metadata but the profile."""
    keeps_alpha = image.mode in {"RGBA", "LA", "P", "PA"} and _has_alpha(image)
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    buffer = io.BytesIO()
    if keeps_alpha:
        _without_metadata(image.convert("RGBA")).save(buffer, "PNG", optimize=True, **extra)
        return buffer.getvalue(), "png"
    # No `optimize`: on a 40-megapixel photo it triples the encoding time in the request
    # (0.44 s against 0.15 s), for a file readers rarely download (they get renditions).
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    _without_metadata(rgb).save(buffer, "JPEG", quality=90, **extra)
    return buffer.getvalue(), "jpg"


def wide_gamut_profile(image: PILImage.Image) -> bytes | None:
    """The image's ICC profile if it is a readable one other than sRGB, else None."""
    icc = image.info.get("icc_profile")
    if not icc:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(profile).lower().replace(" ", ""):
            return None
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    return icc


def srgb_original(name: str) -> str | None:
    """For a stored original that still has a wide-gamut profile: store it converted to sRGB
    with no metadata, and return the new file's name (None if it needs nothing)."""
    with default_storage.open(name, "rb") as stored:
        image = PILImage.open(stored)
        image.load()
    if not wide_gamut_profile(image):
        return None
    content, extension = encode_original(to_srgb(image))
    stem = name.rsplit(".", 1)[0]
    return default_storage.save(f"{stem}-srgb.{extension}", ContentFile(content))


def to_srgb(image: PILImage.Image) -> PILImage.Image:
    """The pixels converted to sRGB if the file carries another ICC profile (Display P3 from a
    phone, Adobe RGB), so dropping the profile does not change the colours readers see.

    An sRGB profile is simply dropped later; a profile that cannot be read is dropped as is.
    The conversion costs about a second on a 40-megapixel image, paid only by wide-gamut files.
    """
    icc = wide_gamut_profile(image)
    if not icc:
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode in {"RGBA", "LA", "PA"} else "RGB"
        return ImageCms.profileToProfile(image, profile, SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _without_metadata(image: PILImage.Image) -> PILImage.Image:
    """Pillow writes some of `info` back when saving (a JPEG's comment, a PNG's ICC profile):
    empty it, so an encoder gets the pixels and nothing else."""
    image.info = {}
    return image


def make_renditions(name: str, *, folder: str) -> dict[str, dict[str, str]]:
    """WebP and JPEG copies of a stored image at each configured width (never upscaled).

    Returns {"480": {"webp": name, "jpeg": name}, …}, the widths in ascending order.
    """
    largest = max(settings.IMAGE_RENDITION_WIDTHS)
    with default_storage.open(name, "rb") as stored:
        image = PILImage.open(stored)
        width, height = image.size
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size, much faster: ask for no less
        # than twice the largest rendition, so the final resize still has detail to work with.
        image.draft(None, (2 * largest, max(1, 2 * largest * height // width)))
        image.load()
    # Originals stored before metadata was stripped entirely may still carry some: the
    # renditions never do.
    image = _without_metadata(to_srgb(image))
    widths = sorted({w for w in settings.IMAGE_RENDITION_WIDTHS if w < width})
    widths.append(min(width, largest))
    renditions = {}
    # Largest first, each made from the one before: resizing 40 megapixels once, not thrice.
    for target in sorted(set(widths), reverse=True):
        size = (target, max(1, round(height * target / width)))
        image = _without_metadata(image.resize(size, PILImage.Resampling.LANCZOS))
        renditions[str(target)] = {
            "webp": _save(image, f"{folder}/{target}.webp", "WEBP", quality=80),
            "jpeg": _save(_flatten(image), f"{folder}/{target}.jpg", "JPEG", quality=82),
        }
    return dict(sorted(renditions.items(), key=lambda item: int(item[0])))


def _save(image, name: str, fmt: str, **options) -> str:
    buffer = io.BytesIO()
    image.save(buffer, fmt, optimize=True, **options)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def _flatten(image):
    """JPEG has no transparency: put transparent images on white."""
    if image.mode in {"RGBA", "LA", "P", "PA"}:
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _has_alpha(image) -> bool:
    if image.mode == "P":
        return "transparency" in image.info
    return image.getchannel("A").getextrema()[0] < 255
