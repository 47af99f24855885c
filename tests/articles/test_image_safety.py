"""Hostile and revealing pictures (issue 12): author photos go through the same pipeline as
essay images; nothing but pixels is stored or served (no EXIF/GPS, XMP, ICC, JPEG comment,
PNG text, appended HTML); pictures too long for WebP are refused with nothing left behind;
renditions are made by the task worker after the save, and pages work before they exist."""

import functools
import io
import struct
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import TestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage
from PIL import ImageCms
from PIL.PngImagePlugin import PngInfo

from articles.fields import VerifiedImageField
from articles.models import Author, Image
from tests.articles.test_images import encoded, png_header_only
from tests.factories import make_article

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
COMMENT = b"Taken at 12 Rue Example by Jean's phone"
SCRIPT = b"<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


@functools.cache  # a profile's header holds the second it was made: make it once
def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def wide_gamut_profile() -> bytes:
    """An RGB profile whose red primary is sRGB's green (the sRGB profile with the two swapped
    and renamed): pure red in a file tagged with it is green to a reader's eye."""
    data = bytearray(srgb_profile())
    (count,) = struct.unpack(">I", data[128:132])
    entries = {}
    for offset in range(132, 132 + 12 * count, 12):
        entries[bytes(data[offset : offset + 4])] = offset
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4 : red + 12], data[green + 4 : green + 12] = (
        data[green + 4 : green + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data).replace("sRGB".encode("utf-16-be"), "Wide".encode("utf-16-be"))


def camera_jpeg(size=(1200, 900), color="navy", **options) -> bytes:
    """A phone's JPEG: camera make and model, a GPS position, XMP, an ICC profile, a comment."""
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "Pocket Model 7"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 24.0), "E", (2.0, 21.0, 7.0)
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(
        buffer,
        "JPEG",
        exif=exif.tobytes(),
        comment=COMMENT,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude 48,51.4N</x:xmpmeta>',
        icc_profile=options.pop("icc_profile", srgb_profile()),
        **options,
    )
    data = buffer.getvalue()
    assert b"\xff\xfe" in data and b"GPS" in data and COMMENT in data  # what we must drop
    return data


def gif_with_html() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("P", (300, 200), 3).save(buffer, "GIF", comment=COMMENT)
    return buffer.getvalue() + SCRIPT


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to its image data (APPn, COM, DQT, SOF, …)."""
    markers, position = [], 2
    while position < len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers


def riff_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 12
    while position + 8 <= len(data):
        kind, length = (
            data[position : position + 4],
            struct.unpack("<I", data[position + 4 : position + 8])[0],
        )
        chunks.append(kind)
        position += 8 + length + (length & 1)
    return chunks


def png_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def assert_only_pixels(data: bytes) -> None:
    """No metadata of any kind, and nothing that was in the upload besides its pixels."""
    for leak in (b"GPS", b"Exif", b"CameraMaker", b"Pocket Model", b"xmpmeta", COMMENT, SCRIPT):
        assert leak not in data
    if data.startswith(b"\xff\xd8"):
        assert b"\xff\xfe" not in data  # no COM segment
        markers = jpeg_markers(data)
        assert (
            0xFE not in markers and 0xE1 not in markers and 0xE2 not in markers
        )  # COM, EXIF/XMP, ICC
        assert data.endswith(b"\xff\xd9")  # nothing after the end of the image
    elif data.startswith(b"RIFF"):
        assert data[8:12] == b"WEBP"
        assert not {b"EXIF", b"XMP ", b"ICCP"} & set(riff_chunks(data))
        assert len(data) == 8 + struct.unpack("<I", data[4:8])[0]  # nothing appended
    else:
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert set(png_chunks(data)) <= {b"IHDR", b"IDAT", b"IEND"}
        assert data.endswith(b"IEND\xaeB`\x82")


def add_image(client, content, name="photo.jpg"):
    data = {"file": SimpleUploadedFile(name, content), "alt_text": "A picture"}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the renditions task runs on commit
        return client.post(reverse("admin:articles_image_add"), data)


def add_author(client, content, name="me.jpg"):
    data = {"name": "Ana Lind", "slug": "ana-lind", "bio": "Writes."}
    if content is not None:
        data["photo"] = SimpleUploadedFile(name, content)
    return client.post(reverse("admin:articles_author_add"), data)


def form_error(response, field) -> str:
    assert response.status_code == 200, "the form was accepted"
    return str(response.context["adminform"].form.errors[field])


# Author photos


def test_an_author_page_shows_the_photo_without_gps_camera_data_or_comment(editor_client, client):
    response = add_author(editor_client, camera_jpeg(size=(3000, 2000)))
    assert response.status_code == 302, form_error(response, "photo")
    author = Author.objects.get()
    make_article(authors=[author])  # an author page is public once they have a public essay
    page = client.get(author.get_absolute_url()).text
    assert f'src="{author.photo.url}"' in page
    served = read(author.photo.name)
    assert_only_pixels(served)
    photo = PILImage.open(io.BytesIO(served))
    assert photo.size == (480, 320)  # shown 96 px wide: a 6-megapixel original is not sent
    assert dict(photo.getexif()) == {} and "icc_profile" not in photo.info
    # Editing the bio with no new file keeps the photo as it is.
    change = reverse("admin:articles_author_change", args=[author.pk])
    editor_client.post(change, {"name": "Ana Lind", "slug": "ana-lind", "bio": "Now edits."})
    author.refresh_from_db()
    assert author.bio == "Now edits." and read(author.photo.name) == served


@pytest.mark.parametrize(
    "content, name, message",
    [
        (png_header_only(13_000, 13_000), "huge.png", "too many pixels to process safely (the limit is 40 megapixels)"),
        (encoded("RGB", (64, 64), "PNG") + b"\0" * (31 * 512 * 1024), "big.png", "larger than 15 MB"),
        (b"%PDF-1.4 not a picture", "cv.jpg", "not a readable image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.svg",
         "not a readable image"),
        (encoded("L", (1, 30_000), "PNG"), "strip.png", "longer than 16,383 pixels"),
    ],
)  # fmt: skip
def test_author_photos_are_refused_with_a_clear_error_like_essay_images(
    editor_client, settings, content, name, message
):
    response = add_author(editor_client, content, name)
    assert message in form_error(response, "photo")
    assert not Author.objects.exists()
    assert stored_files(settings) == []


def test_html_appended_to_a_gif_is_not_kept_in_a_photo_or_an_essay_image(editor_client):
    assert add_author(editor_client, gif_with_html(), "me.gif").status_code == 302
    assert add_image(editor_client, gif_with_html(), "pic.gif").status_code == 302
    image = Image.objects.get()
    for name in [Author.objects.get().photo.name, image.file.name, *image_files(image)]:
        data = read(name)
        assert not data.startswith(b"GIF")  # re-encoded from its pixels
        assert_only_pixels(data)


def test_every_image_field_in_the_project_goes_through_the_pipeline():
    """A plain ImageField or FileField would store uploads as they come (GPS and all)."""
    project = {"articles", "comments", "core"}
    fields = [
        field
        for model in apps.get_models()
        if model._meta.app_label in project
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert {f"{f.model.__name__}.{f.name}" for f in fields} >= {"Author.photo", "Image.file"}
    assert all(isinstance(field, VerifiedImageField) for field in fields)


# Essay images: the stored original and every rendition


def image_files(image) -> list[str]:
    return [name for names in image.renditions.values() for name in names.values()]


def test_a_phone_photo_is_stored_and_rendered_with_nothing_but_its_pixels(editor_client):
    response = add_image(editor_client, camera_jpeg(size=(2000, 1500)))
    assert response.status_code == 302, form_error(response, "file")
    image = Image.objects.get()
    assert sorted(image.renditions, key=int) == ["480", "960", "1600"]
    for name in [image.file.name, *image_files(image)]:
        assert_only_pixels(read(name))


def test_a_transparent_png_keeps_no_text_or_profile_chunks_even_with_a_broken_exif(
    editor_client,
):
    info = PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPSLatitude 48</x:xmpmeta>")
    buffer = io.BytesIO()
    PILImage.new("RGBA", (800, 400), (200, 0, 0, 100)).save(
        buffer, "PNG", pnginfo=info, icc_profile=srgb_profile(), exif=b"Exif\0\0GPS"
    )  # an EXIF chunk Pillow cannot parse: it once made the upload a 500
    assert add_image(editor_client, buffer.getvalue(), "logo.png").status_code == 302
    image = Image.objects.get()
    original = read(image.file.name)
    assert PILImage.open(io.BytesIO(original)).mode == "RGBA"  # still transparent
    for data in [original, *(read(name) for name in image_files(image))]:
        assert_only_pixels(data)


def test_a_wide_gamut_photo_keeps_its_colours_when_its_profile_is_dropped(editor_client):
    tagged_red = camera_jpeg(size=(600, 400), color=(255, 0, 0), icc_profile=wide_gamut_profile())
    assert add_image(editor_client, tagged_red).status_code == 302
    image = Image.objects.get()
    for name in [image.file.name, image.renditions["480"]["jpeg"], image.renditions["480"]["webp"]]:
        stored = PILImage.open(io.BytesIO(read(name)))
        assert "icc_profile" not in stored.info
        red, green, blue = stored.convert("RGB").getpixel((10, 10))
        assert green > 200 and red < 60 and blue < 60  # what the profile said it was


# Too long for WebP


def test_a_picture_too_long_for_webp_is_refused_and_nothing_is_left_behind(editor_client, settings):
    for size in [(1, 30_000), (20_000, 100)]:
        response = add_image(editor_client, encoded("L", size, "PNG"), "strip.png")
        error = form_error(response, "file")
        assert f"{size[0]}×{size[1]} pixels" in error and "longer than 16,383 pixels" in error
    assert not Image.objects.exists()
    assert stored_files(settings) == []  # no orphaned original, no half-made renditions


def test_a_picture_exactly_as_long_as_webp_allows_gets_its_renditions(editor_client):
    assert add_image(editor_client, encoded("L", (2, 16_383), "PNG"), "tall.png").status_code == 302
    webp = PILImage.open(io.BytesIO(read(Image.objects.get().renditions["2"]["webp"])))
    assert webp.format == "WEBP" and webp.size == (2, 16_383)


# Renditions are made by the worker, after the commit


@pytest.mark.django_db(transaction=True)
def test_saving_an_image_queues_its_renditions_and_pages_show_the_original_meanwhile(
    editor_client, client, settings
):
    settings.TASKS = DATABASE_TASKS  # nothing runs until a worker does
    response = editor_client.post(
        reverse("admin:articles_image_add"),
        {"file": SimpleUploadedFile("big.jpg", camera_jpeg(size=(2400, 1600))), "alt_text": "Big"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions == {} and not any(
        name.startswith("renditions/") for name in stored_files(settings)
    )
    task = DBTaskResult.objects.get(task_path__startswith="articles.")
    assert task.task_path == "articles.tasks.make_renditions" and task.status == "READY"
    assert task.args_kwargs["args"][:2] == [image.pk, image.file.name]

    article = make_article(body=f"Text.\n\n[image:{image.pk}]", featured_image=image)
    page = client.get(article.get_absolute_url()).text
    assert f'<img src="{image.file.url}" width="2400" height="1600" alt="Big"' in page
    assert "srcset" not in page.split("<main", 1)[-1]  # no empty srcset before renditions
    assert f'content="http://testserver{image.file.url}"' in page  # og:image: the original

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    image.refresh_from_db()
    assert sorted(image.renditions, key=int) == ["480", "960", "1600"]
    assert all(default_storage.exists(name) for name in image_files(image))
    assert DBTaskResult.objects.get(task_path__startswith="articles.").status == "SUCCESSFUL"
    page = client.get(article.get_absolute_url()).text
    assert f'<source type="image/webp" srcset="{image.webp_srcset}"' in page


@pytest.mark.django_db(transaction=True)
def test_a_picture_replaced_before_the_worker_ran_shows_the_new_one(
    editor_client, client, settings
):
    settings.TASKS = DATABASE_TASKS
    add = reverse("admin:articles_image_add")
    navy = SimpleUploadedFile("a.jpg", encoded("RGB", (900, 600), "JPEG", color="navy"))
    editor_client.post(add, {"file": navy, "alt_text": "A picture"})
    image = Image.objects.get()
    change = reverse("admin:articles_image_change", args=[image.pk])
    red = SimpleUploadedFile("b.jpg", encoded("RGB", (900, 600), "JPEG", color="red"))
    editor_client.post(change, {"file": red, "alt_text": "A picture"})
    assert DBTaskResult.objects.filter(task_path="articles.tasks.make_renditions").count() == 2

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    image.refresh_from_db()
    rendition = PILImage.open(io.BytesIO(read(image.renditions["480"]["jpeg"])))
    assert rendition.getpixel((5, 5))[0] > 200  # red: the first file's late task changed nothing
    renditions = {name for name in stored_files(settings) if name.startswith("renditions/")}
    assert renditions == set(image_files(image))  # none made for the replaced file
    # A retried task finds them made and leaves them as they are.
    from articles.services import render_image

    before = {name: read(name) for name in renditions}
    assert render_image(image_id=image.pk, file_name=image.file.name).startswith("renditions")
    assert {name: read(name) for name in renditions} == before


# Files stored before this pipeline covered everything


def test_files_stored_before_are_cleaned_and_essays_keep_working(client, settings):
    from django.core.files.base import ContentFile

    from articles.rendering import BodyFormat

    # As the old code left them: an author photo stored as uploaded, an essay image whose
    # original and renditions kept the JPEG comment, an imported essay linking to both.
    author = Author.objects.create(
        name="Ana", slug="ana", photo=ContentFile(camera_jpeg(size=(2000, 1500)), name="a.jpg")
    )
    commented = io.BytesIO()
    PILImage.new("RGB", (600, 400), "teal").save(commented, "JPEG", comment=COMMENT)
    image = Image.objects.create(file=ContentFile(commented.getvalue(), name="p.jpg"), alt_text="P")
    old = {"jpeg": "renditions/old/480.jpg", "webp": "renditions/old/480.webp"}
    for name in old.values():
        default_storage.save(name, ContentFile(commented.getvalue()))
    Image.objects.filter(pk=image.pk).update(renditions={"480": old})
    image.refresh_from_db()
    body = f'<a href="{image.file.url}"><img src="/media/{old["jpeg"]}" alt="P"></a>'
    article = make_article(body=body, body_format=BodyFormat.HTML, authors=[author])
    old_files = {author.photo.name, image.file.name, *old.values()}

    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out)
    assert "Cleaned 2 files; 0 refused." in out.getvalue()

    author.refresh_from_db()
    image.refresh_from_db()
    assert_only_pixels(read(author.photo.name))
    assert PILImage.open(io.BytesIO(read(author.photo.name))).size == (480, 360)
    for name in [image.file.name, *image_files(image)]:
        assert_only_pixels(read(name))
    assert not any(default_storage.exists(name) for name in old_files)
    article.refresh_from_db()
    assert f'href="{image.file.url}"' in article.body_html
    new_480 = default_storage.url(image.renditions["480"]["jpeg"])
    assert f'src="{new_480}"' in article.body_html  # the same size, from the clean original
    page = client.get(author.get_absolute_url()).text
    assert f'src="{author.photo.url}"' in page

    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out)
    assert "Cleaned 0 files" in out.getvalue()  # nothing is re-encoded twice


@pytest.mark.django_db(transaction=True)
def test_an_image_whose_rendition_task_was_lost_gets_them_from_the_periodic_sweep(
    editor_client, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.services import queue_missing_renditions

    settings.TASKS = DATABASE_TASKS
    add_image(editor_client, camera_jpeg(size=(1200, 800)))
    DBTaskResult.objects.all().delete()  # the task never reached the queue
    image = Image.objects.get()
    assert queue_missing_renditions() == 0  # just uploaded: its own task may still come
    Image.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert queue_missing_renditions() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    image.refresh_from_db()
    assert sorted(image.renditions, key=int) == ["480", "960", "1200"]
    assert queue_missing_renditions() == 0


def test_a_very_wide_jpeg_gets_its_renditions(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # renditions run after the commit
        response = add_image(editor_client, encoded("RGB", (10_000, 2), "JPEG"), "strip.jpg")
    assert response.status_code == 302
    assert sorted(Image.objects.get().renditions, key=int) == ["480", "960", "1600"]


@pytest.mark.django_db(transaction=True)
def test_a_large_wide_gamut_upload_is_converted_by_the_worker_not_in_the_request(
    editor_client, settings, monkeypatch
):
    from articles import images

    monkeypatch.setattr(images, "CONVERT_IN_REQUEST_PIXELS", 100_000)  # 600×400 counts as large
    settings.TASKS = DATABASE_TASKS
    tagged_red = camera_jpeg(size=(600, 400), color=(255, 0, 0), icc_profile=wide_gamut_profile())
    assert add_image(editor_client, tagged_red).status_code == 302
    uploaded = Image.objects.get().file.name
    stored = PILImage.open(io.BytesIO(read(uploaded)))
    assert stored.info.get("icc_profile") == wide_gamut_profile()  # browsers show it right
    assert stored.getpixel((10, 10))[0] > 200  # not converted in the request
    assert "exif" not in stored.info and b"GPS" not in read(uploaded)  # nothing else kept

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    image = Image.objects.get()
    assert image.file.name != uploaded and not default_storage.exists(uploaded)
    for name in [image.file.name, image.renditions["480"]["jpeg"], image.renditions["480"]["webp"]]:
        assert_only_pixels(read(name))
        red, green, blue = PILImage.open(io.BytesIO(read(name))).convert("RGB").getpixel((10, 10))
        assert green > 200 and red < 60 and blue < 60  # what the profile said it was
