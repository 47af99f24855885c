from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.importers import blogger, journal
from articles.importers.blogger_import import import_blog
from articles.importers.sources import exports_in
from articles.management.importing import add_import_options, copy_pictures, summary_line
from articles.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import a Blogger blog: the legacy export (Settings → Back up content, an .xml file), "
        "Google Takeout's feed.atom, or the Takeout .zip itself. Posts, drafts, pages, labels "
        "as topics and threaded comments; old addresses answer 301. Running it again updates "
        "what changed in the export and never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the .xml, feed.atom or Takeout .zip")
        parser.add_argument("--section", help="section for the essays (default: the blog title)")
        parser.add_argument("--blog", help="in a Takeout zip with several blogs, import only this")
        add_import_options(parser, old_images="Blogger's image servers", max_mb=200)

    def handle(self, *args, export: Path, section=None, blog=None, **options):
        dry_run = options["dry_run"]
        try:
            files = exports_in(export, blog=blog, max_bytes=options["max_size"] * 1_000_000)
            if section and len(files) > 1:
                raise blogger.ExportError(
                    f"{export.name} holds {len(files)} blogs; --section needs --blog NAME"
                )
            # Every file is read in full before anything is written: a bad one stops them all.
            scanned = [(file, blogger.scan(file.open)) for file in files]
        except blogger.ExportError as exc:
            raise CommandError(f"{export} was not imported: {exc}.") from None
        for run in journal.undo_interrupted():
            self.stdout.write(f"An interrupted import of {run.source} was undone first.")
        for file, parsed in scanned:
            self._import(file, parsed, section, dry_run, options["copy_images"])

    def _import(self, file, parsed, section, dry_run, copy_images):
        if parsed.repaired:
            self.stdout.write(
                f"{file.label} uses XML prefixes it never declares; read as Blogger's."
            )
        progress = progress_bar(self.stderr, f"{file.blog_name} ")
        try:
            summary, article_ids = import_blog(
                file.open, parsed, section_name=section, dry_run=dry_run,
                source=file.label, progress=progress,
            )  # fmt: skip
        except blogger.ExportError as exc:
            raise CommandError(f"{file.label} was not imported: {exc}.") from None
        except DatabaseError as exc:
            raise CommandError(
                f"{file.label} was not imported (everything it had saved was undone): {exc}"
            ) from None
        self.stdout.write(self.style.SUCCESS(summary_line(file.label, summary, dry_run=dry_run)))
        for line in summary.untitled:
            self.stdout.write(f"  untitled post given the title {line}")
        for what, why in summary.skipped:
            self.stdout.write(f"  skipped {what}: {why}")
        if copy_images and not dry_run:
            copy_pictures(self, article_ids, old_home="Blogger's")
