"""Uploads through the admin: verified, upright, metadata stripped, renditions and markup."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Article, Image
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_exif(size=(2000, 1000), orientation=6) -> bytes:
    """A landscape JPEG that says "rotate me 90°" and carries a GPS position."""
    image = PILImage.new("RGB", size, "navy")
    image.paste((250, 200, 0), (0, 0, size[0] // 4, size[1] // 4))  # a marker in the top left
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CameraMaker"
    exif.get_ifd(0x8825)[1] = "N"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def encoded(mode, size, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    PILImage.new(
        mode, size, **({"color": options.pop("color")} if "color" in options else {})
    ).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width, height) -> bytes:
    """A tiny PNG file that claims to be width×height pixels (a decompression bomb)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def committed_post(client, url, data):
    """A POST whose transaction commits: the renditions task, enqueued on commit, then runs
    (at once, with the tests' immediate task backend)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def upload(client, content, name="photo.jpg", **fields):
    data = {"alt_text": "A navy square", "caption": "Caption", "credit": "Photo: Ana", **fields}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    return committed_post(client, reverse("admin:articles_image_add"), data)


def open_stored(name):
    with default_storage.open(name, "rb") as stored:
        image = PILImage.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_upload_is_made_upright_stripped_and_rendered_at_each_width(editor_client):
    response = upload(editor_client, jpeg_with_exif())
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 2000)  # rotated upright

    original = open_stored(image.file.name)
    assert original.size == (1000, 2000)
    assert dict(original.getexif()) == {}  # no EXIF, no GPS
    assert original.getpixel((990, 10))[2] < 100  # the marker moved to the top right

    assert sorted(image.renditions, key=int) == ["480", "960", "1000"]  # never upscaled
    for width, names in image.renditions.items():
        webp, jpeg = open_stored(names["webp"]), open_stored(names["jpeg"])
        assert webp.format == "WEBP" and jpeg.format == "JPEG"
        assert webp.size == jpeg.size == (int(width), int(width) * 2)
        assert dict(jpeg.getexif()) == {} and "exif" not in webp.info


def test_large_images_stop_at_1600_pixels(editor_client):
    upload(editor_client, encoded("RGB", (3000, 1500), "JPEG", color="white"))
    assert sorted(Image.objects.get().renditions, key=int) == ["480", "960", "1600"]


def test_transparent_png_keeps_alpha_and_jpeg_fallback_is_flattened(editor_client):
    upload(editor_client, encoded("RGBA", (600, 300), "PNG", color=(255, 0, 0, 0)), "logo.png")
    image = Image.objects.get()
    assert open_stored(image.file.name).format == "PNG"
    renditions = image.renditions["480"]
    assert open_stored(renditions["webp"]).mode == "RGBA"
    assert open_stored(renditions["jpeg"]).getpixel((5, 5)) == (255, 255, 255)


def test_gif_and_webp_are_accepted_gif_keeps_its_first_frame(editor_client):
    frames = [PILImage.new("RGB", (500, 250), color) for color in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    assert upload(editor_client, buffer.getvalue(), "anim.gif").status_code == 302
    first = open_stored(Image.objects.get().file.name)
    assert first.getpixel((10, 10))[0] > 200  # red, the first frame
    webp = encoded("RGB", (700, 350), "WEBP", color="green")
    assert upload(editor_client, webp, "pic.webp", alt_text="Green").status_code == 302


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"%PDF-1.4 this is not an image", "fake.jpg", "not a readable image"),
        (None, "truncated.jpg", "not a readable image"),
        (png_header_only(20000, 20000), "bomb.png", "megapixels"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.svg",
         "not a readable image"),
        (encoded("RGB", (64, 64), "BMP", color="red"), "old.bmp", "Upload a JPEG, PNG, WebP"),
    ],
)  # fmt: skip
def test_bad_uploads_get_a_clear_error_and_nothing_is_saved(editor_client, content, name, message):
    if content is None:
        content = jpeg_with_exif()[:3000]  # cut off mid-stream
    response = upload(editor_client, content, name)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["file"])
    assert message in errors
    assert not Image.objects.exists()
    assert not default_storage.exists("renditions")


def test_images_over_the_megapixel_limit_are_refused(editor_client, settings):
    response = upload(editor_client, png_header_only(7000, 7000), "big.png")
    errors = str(response.context["adminform"].form.errors["file"])
    assert "7000×7000 pixels; the limit is 40 megapixels" in errors
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = upload(editor_client, encoded("RGB", (1200, 1000), "PNG"), "wide.png")
    assert "the limit is 1 megapixels" in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()


def test_file_over_the_size_limit_is_refused(editor_client, settings):
    settings.IMAGE_MAX_UPLOAD_MB = 1
    big = encoded("RGB", (2500, 2500), "PNG", color="white") + b"\0" * (1024 * 1024)
    response = upload(editor_client, big, "big.png")
    assert "larger than 1 MB" in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()


def test_alt_text_is_required(editor_client):
    response = upload(editor_client, encoded("RGB", (100, 100), "PNG"), "a.png", alt_text="")
    assert "alt_text" in response.context["adminform"].form.errors
    assert not Image.objects.exists()


@pytest.fixture
def picture(editor_client):
    upload(editor_client, encoded("RGB", (1200, 800), "JPEG", color="gray"), "pic.jpg")
    return Image.objects.get()


def test_body_image_syntax_emits_responsive_picture_markup(client, picture):
    article = make_article(
        body=f"Before.\n\n[image:{picture.pk}]\n\nAfter [image:{picture.pk}] inline."
    )
    html = client.get(article.get_absolute_url()).text
    webp = ", ".join(f"/media/{picture.renditions[w]['webp']} {w}w" for w in ("480", "960", "1200"))
    jpeg = ", ".join(f"/media/{picture.renditions[w]['jpeg']} {w}w" for w in ("480", "960", "1200"))
    sizes = "(min-width: 36rem) 34rem, 100vw"
    assert f'<source type="image/webp" srcset="{webp}" sizes="{sizes}">' in html
    assert f'srcset="{jpeg}" sizes="{sizes}" width="1200" height="800"' in html
    assert 'alt="A navy square" loading="lazy" decoding="async"' in html
    assert '<figcaption>Caption <span class="credit">Photo: Ana</span></figcaption>' in html
    assert html.count("<picture>") == 1  # only a line of its own becomes a figure
    assert "After [image:" in html


def test_unknown_image_id_is_dropped(client):
    article = make_article(body="[image:999999]\n\nText.")
    assert "[image:" not in client.get(article.get_absolute_url()).text


def test_editing_an_images_caption_shows_at_once(editor_client, picture, client):
    article = make_article(body=f"[image:{picture.pk}]")
    editor_client.post(
        reverse("admin:articles_image_change", args=[picture.pk]),
        {"alt_text": "New alt", "caption": "New caption", "credit": ""},
    )
    html = client.get(article.get_absolute_url()).text
    assert 'alt="New alt"' in html and "New caption" in html


def test_replacing_the_file_gives_new_addresses_and_removes_the_old_ones(editor_client, picture):
    old = [name for names in picture.renditions.values() for name in names.values()]
    committed_post(
        editor_client,
        reverse("admin:articles_image_change", args=[picture.pk]),
        {
            "file": SimpleUploadedFile("new.jpg", encoded("RGB", (900, 600), "JPEG", color="red")),
            "alt_text": "Red now",
        },
    )
    picture.refresh_from_db()
    new = [name for names in picture.renditions.values() for name in names.values()]
    assert not set(old) & set(new)
    assert all(default_storage.exists(name) for name in new)
    assert not any(default_storage.exists(name) for name in old)


def test_a_deleted_image_disappears_from_essays(editor_client, picture, client):
    article = make_article(body=f"Text.\n\n[image:{picture.pk}]")
    editor_client.post(reverse("admin:articles_image_delete", args=[picture.pk]), {"post": "yes"})
    html = client.get(article.get_absolute_url()).text
    assert "<picture>" not in html and "[image:" not in html


def test_full_content_feeds_carry_absolute_image_addresses(client, picture, settings):
    import feedparser

    settings.FEED_FULL_CONTENT = True
    settings.SITE_URL = "https://blog.example.org"
    make_article("Pictured", body=f"Text.\n\n[image:{picture.pk}]", standfirst="<Lead> & more")
    entry = feedparser.parse(client.get(reverse("articles:feed")).content).entries[0]
    assert f'src="https://blog.example.org{picture.fallback_url}"' in entry.summary
    assert "&lt;Lead&gt; &amp; more" in entry.summary


def test_featured_image_leads_the_essay_and_the_link_preview(client, picture):
    article = make_article(featured_image=picture)
    html = client.get(article.get_absolute_url()).text
    assert 'loading="eager" decoding="async" fetchpriority="high"' in html
    largest = picture.renditions["1200"]["jpeg"]
    assert f'<meta property="og:image" content="http://testserver/media/{largest}">' in html


def test_the_essay_form_names_its_featured_image_by_number_and_alt_text(editor_client, picture):
    picture.alt_text = "A long description of the picture, " * 3
    picture.save()
    article = make_article(featured_image=picture)
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    label = f"#{picture.pk} {picture.alt_text[:60]}"  # the rest is cut off
    assert f">{label}</option>" in page


def test_essays_without_a_featured_image_get_a_generated_social_card(client):
    article = make_article("A headline about “water” — and Кириллица")
    html = client.get(article.get_absolute_url()).text
    card_url = reverse("articles:social-image", args=[article.slug])
    assert f'<meta property="og:image" content="http://testserver{card_url}">' in html
    response = client.get(card_url)
    assert response["Content-Type"] == "image/png"
    card = PILImage.open(io.BytesIO(response.content))
    assert card.size == (1200, 630)
    assert client.get(card_url).content == response.content  # drawn once, then reused


def test_no_social_card_for_drafts(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert client.get(reverse("articles:social-image", args=[draft.slug])).status_code == 404
