"""Time an editor's admin save of a 40-megapixel JPEG: renditions queued vs. made inline.

Run as: .venv/bin/python bench/image_upload.py [--runs 5] [--database-url URL]

It writes a 40-megapixel camera-like JPEG (about 12 MB, with EXIF and GPS, as phones send),
migrates a fresh database (SQLite in the temporary directory, or the PostgreSQL database named
by --database-url, whose name must contain "bench"; it is dropped and created again), signs in
an editor and POSTs the upload to Images → Add image with Django's test client, the whole
request included (multipart parsing, checks, re-encoding, storage, the admin's transaction):

- "queued": the database task backend, as in production, with no worker running: the save
  enqueues the renditions task after the commit and returns;
- "inline": the immediate backend, so the renditions are made inside the request, which is
  what every save did before renditions became a task.

The same picture tagged with a wide-gamut ICC profile is timed too (converted to sRGB by the
worker), and then how long `db_worker --batch` takes to make the queued renditions. Figures
are printed (median and fastest of --runs), not asserted. The temporary directory is removed
unless --keep.
"""

import argparse
import io
import logging
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SIZE = (7744, 5163)  # 39.98 megapixels: just under the 40-megapixel upload limit
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def camera_jpeg(icc_profile: bytes | None = None) -> bytes:
    """Photo-like content (noise, gradients, detail), so it compresses like a photo."""
    from PIL import Image

    width, height = SIZE
    noise = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    gradient = Image.linear_gradient("L").resize((width, height))
    detail = Image.effect_mandelbrot((width, height), (-2, -1.2, 1, 1.2), 60)
    picture = Image.merge("RGB", (noise, gradient, detail))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "CameraMaker", "Model 40", 1
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    buffer = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    picture.save(buffer, "JPEG", quality=90, exif=exif.tobytes(), **options)
    return buffer.getvalue()


def wide_gamut_profile() -> bytes:
    """sRGB's profile with red and green primaries swapped and renamed: not sRGB, so the
    upload is converted (what a Display P3 photo from a phone costs)."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", data[128:132])
    entries = {bytes(data[o : o + 4]): o for o in range(132, 132 + 12 * count, 12)}
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4 : red + 12], data[green + 4 : green + 12] = (
        data[green + 4 : green + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data).replace("sRGB".encode("utf-16-be"), "Wide".encode("utf-16-be"))


def prepare_postgres(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the database name must contain 'bench'")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-images-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if args.database_url:
        prepare_postgres(args.database_url)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        DEBUG="1",
        PAGE_CACHE_SECONDS="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from articles.models import Image

    setup_test_environment()  # the test client's host name is allowed
    for noisy in ("django_tasks", "django_tasks_db", "axes"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    editor = get_user_model().objects.create_superuser("bench", password="bench-password-1")
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_image_add")

    print("making the test pictures …", flush=True)
    pictures = {
        "camera JPEG": camera_jpeg(),
        "same, wide-gamut ICC": camera_jpeg(wide_gamut_profile()),
    }
    for label, data in pictures.items():
        megapixels = SIZE[0] * SIZE[1] / 1e6
        print(f"  {label}: {SIZE[0]}×{SIZE[1]} = {megapixels:.1f} MP, {len(data) / 1e6:.1f} MB")

    def time_saves(data: bytes, tasks: dict) -> list[float]:
        timings = []
        with override_settings(TASKS=tasks):
            for run in range(args.runs):
                upload = SimpleUploadedFile(f"photo-{run}.jpg", data, "image/jpeg")
                started = time.perf_counter()
                response = client.post(url, {"file": upload, "alt_text": "A photograph"})
                timings.append(time.perf_counter() - started)
                if response.status_code != 302:
                    sys.exit(f"the upload was refused: {response.content[:500]!r}")
        return timings

    results = [
        ("camera JPEG", "queued (database backend, no worker)", DATABASE_TASKS),
        ("camera JPEG", "inline (renditions in the request)", IMMEDIATE_TASKS),
        ("same, wide-gamut ICC", "queued (database backend, no worker)", DATABASE_TASKS),
    ]
    print(f"\nadmin save of the upload, {args.runs} runs each ({connection_vendor()}):")
    print(f"  {'picture':<22} {'renditions':<38} {'median':>8} {'fastest':>8}")
    for label, mode, tasks in results:
        timings = time_saves(pictures[label], tasks)
        print(f"  {label:<22} {mode:<38} {statistics.median(timings):>7.2f}s {min(timings):>7.2f}s")

    queued = Image.objects.filter(renditions={}).count()
    started = time.perf_counter()
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    elapsed = time.perf_counter() - started
    made = queued - Image.objects.filter(renditions={}).count()
    print(f"\nthe worker then made the renditions of {made} images in {elapsed:.1f}s")
    print(f"({elapsed / max(made, 1):.2f}s each)")
    if args.keep:
        print(f"database and media kept in {workdir}")
    else:
        shutil.rmtree(workdir)


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
