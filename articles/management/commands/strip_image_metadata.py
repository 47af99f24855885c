"""Clean what was stored before every upload went through images.prepare_upload (issue 12).

Author photos were stored exactly as uploaded (GPS, camera EXIF, comments, any size); essay
images kept JPEG comments and PNG colour profiles, and their renditions the comments. This
re-encodes each such original through the same pipeline as a new upload, under a new name,
makes the renditions again, points imported essays that link to the old files at the new ones,
and only then deletes the old files.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from PIL import Image as PILImage

from articles import services
from articles.images import ImageRejected, prepare_upload
from articles.models import Article, Author, Image

METADATA_KEYS = {"exif", "comment", "xmp", "icc_profile", "XML:com.adobe.xmp", "photoshop"}
ENDINGS = (b"\xff\xd9", b"IEND\xaeB`\x82")  # the last bytes of a JPEG and of a PNG


def carries_more_than_pixels(data: bytes, *, max_side: int | None = None) -> bool:
    """True unless the file is what prepare_upload makes: a JPEG or PNG with no metadata,
    nothing after its end, and no larger than `max_side`."""
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()  # a PNG's text chunks after the pixels are read here
            if image.format not in {"JPEG", "PNG"} or METADATA_KEYS & set(image.info):
                return True
            if getattr(image, "text", None) or (max_side and max(image.size) > max_side):
                return True
    except Exception:  # unreadable in any way: certainly not one of ours
        return True
    return not data.endswith(ENDINGS)


class Command(BaseCommand):
    help = (
        "Re-encode stored essay images and author photos that still carry metadata (EXIF, "
        "GPS, XMP, comments, colour profiles) or were stored as uploaded, and make the images' "
        "renditions again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args, dry_run=False, **options):
        changed = refused = 0
        jobs = [(Author, "photo", Author._meta.get_field("photo").max_side), (Image, "file", None)]
        for model, field, max_side in jobs:
            for obj in model.objects.exclude(**{field: ""}).order_by("pk").iterator():
                stored = getattr(obj, field)
                with stored.open("rb") as file:
                    data = file.read()
                if not carries_more_than_pixels(data, max_side=max_side):
                    continue
                label = f"{model._meta.verbose_name} #{obj.pk} ({stored.name})"
                try:
                    prepared = prepare_upload(
                        ContentFile(data, name=stored.name), max_side=max_side
                    )
                except ImageRejected as exc:
                    refused += 1
                    self.stdout.write(f"  {label}: refused, left as it is: {exc}")
                    continue
                changed += 1
                self.stdout.write(f"  {label}: {'would be ' if dry_run else ''}cleaned")
                if not dry_run:
                    self._replace(obj, field, prepared.content)
        verb = "Would clean" if dry_run else "Cleaned"
        self.stdout.write(self.style.SUCCESS(f"{verb} {changed} files; {refused} refused."))

    @staticmethod
    def _replace(obj, field: str, content: ContentFile) -> None:
        stored = getattr(obj, field)
        old_name, old_url = stored.name, stored.url
        if not isinstance(obj, Image):
            stored.save(content.name, content, save=False)  # a new name; the old file goes
            obj.save()
            default_storage.delete(old_name)
            return
        old_renditions = obj.renditions
        with transaction.atomic():
            stored.save(content.name, content, save=False)
            obj.renditions = {}  # pages show the clean original until the new ones exist
            obj.save()
        # Made here rather than by the worker: imported essays link to the files by address,
        # and are pointed at the new ones before the old ones are deleted.
        services.render_image(image_id=obj.pk, file_name=obj.file.name)
        obj.refresh_from_db()
        moved = {old_url: obj.file.url}
        for width, names in old_renditions.items():
            for fmt, name in names.items():
                new = obj.renditions.get(width, {}).get(fmt)
                moved[default_storage.url(name)] = default_storage.url(new) if new else obj.file.url
        linking = Q()
        for url in moved:
            linking |= Q(body__contains=url)
        for article in Article.objects.filter(linking):
            for old, new in moved.items():
                article.body = article.body.replace(old, new)
            article.save()
        for name in {old_name} | services.rendition_names(old_renditions):
            default_storage.delete(name)
