from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.importers import blogger, journal, wordpress
from articles.importers.sources import exports_in
from articles.importers.wordpress_import import DEFAULT_PERMALINKS, import_site
from articles.management.importing import add_import_options, copy_pictures, summary_line
from articles.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import a WordPress site from its export (Tools → Export → All content: a WXR .xml "
        "file, 1.0 to 1.2). Posts become essays, pages pages, categories and tags topics, "
        "with threaded comments; old addresses answer 301. Running it again updates what "
        "changed in the export and never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the WXR .xml file")
        parser.add_argument("--section", help="section for the essays (default: the site title)")
        parser.add_argument(
            "--section-from-category",
            action="store_true",
            help="make each post's first category its section (other categories stay topics)",
        )
        parser.add_argument(
            "--permalink-structure",
            default=DEFAULT_PERMALINKS,
            metavar="PATTERN",
            help="the old site's Settings → Permalinks pattern, so its post addresses redirect "
            f"(default {DEFAULT_PERMALINKS.replace('%', '%%')})",
        )
        add_import_options(parser, old_images="the old site's files", max_mb=500)

    def handle(self, *args, export: Path, **options):
        try:
            (file,) = exports_in(export, max_bytes=options["max_size"] * 1_000_000)
            site = wordpress.scan(file.open)
        except (blogger.ExportError, ValueError) as exc:
            raise CommandError(f"{export} was not imported: {exc}.") from None
        for run in journal.undo_interrupted():
            self.stdout.write(f"An interrupted import of {run.source} was undone first.")
        dry_run = options["dry_run"]
        try:
            summary, article_ids = import_site(
                file.open, site, section_name=options["section"],
                section_from_category=options["section_from_category"],
                permalinks=options["permalink_structure"], dry_run=dry_run,
                source=file.label, progress=progress_bar(self.stderr, f"{export.name} "),
            )  # fmt: skip
        except blogger.ExportError as exc:
            raise CommandError(f"{export} was not imported: {exc}.") from None
        except (DatabaseError, ValueError, TypeError, AttributeError, OverflowError) as exc:
            # A value no check foresaw: the run is undone whole; say so, not a traceback.
            raise CommandError(
                f"{export} was not imported (everything it had saved was undone): {exc}"
            ) from None
        self.stdout.write(self.style.SUCCESS(summary_line(export.name, summary, dry_run=dry_run)))
        for what, why in summary.skipped:
            self.stdout.write(f"  skipped {what}: {why}")
        for note in summary.notes:
            self.stdout.write(f"  note: {note}")
        if options["copy_images"] and not dry_run:
            copy_pictures(self, article_ids, old_home="the old site's")
