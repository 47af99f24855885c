from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.importers import blogger
from articles.importers.store import store_blogger_export
from articles.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import a Blogger export (Settings → Back up content): posts, drafts, labels as topics, "
        "comments with replies. Old /YYYY/MM/slug.html addresses redirect to the new ones. "
        "Running it again imports only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the .xml file Blogger produced")
        parser.add_argument("--section", help="section for the essays (default: the blog title)")

    def handle(self, *args, export: Path, section=None, **options):
        try:
            data = export.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {export}: {exc.strerror}.") from exc
        try:
            parsed = blogger.parse(data)
        except blogger.ExportError as exc:
            raise CommandError(f"{export} was not imported: {exc}") from exc
        progress = progress_bar(self.stderr)
        try:
            summary = store_blogger_export(parsed, section_name=section, progress=progress)
        except DatabaseError as exc:
            raise CommandError(f"{export} was not imported (nothing was saved): {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {summary.posts} posts, {summary.drafts} drafts and "
                f"{summary.comments} comments; {summary.already_present} already present; "
                f"{summary.redirects} old addresses redirect; {parsed.ignored} settings and "
                f"template entries ignored; {len(summary.skipped)} skipped."
            )
        )
        for what, why in summary.skipped:
            self.stdout.write(f"  skipped {what}: {why}")
