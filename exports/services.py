"""Writing the export files: the command and the admin's task both come through here."""

import logging
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .archive import write_archive
from .models import SiteExport
from .wxr import write_wxr

logger = logging.getLogger(__name__)

KEEP_EXPORTS = 3  # finished exports kept in the admin; older files are deleted


@dataclass(frozen=True)
class Written:
    kind: str  # "wxr" or "zip"
    path: Path
    counts: Counter

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def file_stem(now=None) -> str:
    """<site-slug>-<UTC timestamp>, e.g. the-essay-review-20261201-093000."""
    now = (now or timezone.now()).astimezone(UTC)
    return f"{slugify(settings.SITE_NAME) or 'site'}-{now:%Y%m%d-%H%M%S}"


def write_export(
    directory: Path, *, formats=("wxr", "json"), revisions=False, progress=None, stem=None
) -> list[Written]:
    """Write the chosen formats into `directory`. Each file is written under a temporary name
    and renamed when complete, so a half-written export never looks like a finished one."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = stem or file_stem()
    written = []
    if "wxr" in formats:
        path = directory / f"{stem}.wxr.xml"
        with _complete(path) as partial, partial.open("w", encoding="utf-8", newline="\n") as out:
            counts = write_wxr(out, progress=progress and progress("WXR "))
        written.append(Written("wxr", path, counts))
    if "json" in formats:
        path = directory / f"{stem}.zip"
        with _complete(path) as partial:
            counts = write_archive(
                partial, revisions=revisions, progress=progress and progress("JSON ")
            )
        written.append(Written("zip", path, counts))
    return written


class _complete:
    """A temporary path beside `path`, renamed to it on success and removed on failure."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(f".{path.name}.part")

    def __enter__(self) -> Path:
        # Owner-only from the start: the export holds commenters' emails and addresses.
        self.partial.touch(mode=0o600)
        self.partial.chmod(0o600)  # touch keeps an existing file's mode
        return self.partial

    def __exit__(self, kind, error, traceback):
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)
        return False


def run_site_export(export_id: int) -> str:
    """The task's work: write both files (with revisions) for a SiteExport row."""
    SiteExport.objects.filter(pk=export_id).get()  # gone: the task fails, nothing written
    root = Path(settings.EXPORTS_ROOT)
    try:
        files = {w.kind: w for w in write_export(root, revisions=True)}
    except Exception as error:
        logger.exception("Site export %s failed", export_id)
        SiteExport.objects.filter(pk=export_id).update(
            status=SiteExport.Status.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    SiteExport.objects.filter(pk=export_id).update(
        status=SiteExport.Status.DONE,
        finished_at=timezone.now(),
        wxr_name=files["wxr"].path.name,
        wxr_size=files["wxr"].size,
        archive_name=files["zip"].path.name,
        archive_size=files["zip"].size,
    )
    prune_old_exports()
    return f"{files['wxr'].path.name}, {files['zip'].path.name}"


def request_export(*, user) -> SiteExport:
    """A new SiteExport row, its task queued once the row is committed."""
    from .tasks import export_site  # the task module imports this one

    export = SiteExport.objects.create(requested_by=user)
    transaction.on_commit(lambda: export_site.enqueue(export.pk))
    return export


def prune_old_exports(keep: int = KEEP_EXPORTS) -> int:
    """Delete all but the newest `keep` finished exports, their files with them."""
    finished = SiteExport.objects.exclude(status=SiteExport.Status.PENDING)
    old = list(finished.order_by("-requested_at", "-id")[keep:])
    root = Path(settings.EXPORTS_ROOT)
    for export in old:
        for name, _size in export.files().values():
            (root / name).unlink(missing_ok=True)
    SiteExport.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)
