from django.core.management.base import BaseCommand, CommandError

from articles.management.progress import progress_bar
from exports.restore import ArchiveError, restore_archive


class Command(BaseCommand):
    help = (
        "Restore a JSON archive made by export_site into an empty site (a freshly migrated "
        "database), keeping every id. All or nothing: a bad archive changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .zip written by export_site.")

    def handle(self, *args, archive, verbosity=1, **options):
        progress = progress_bar(self.stderr, "Restoring ") if verbosity else None
        try:
            counts = restore_archive(archive, progress=progress)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {summary}."))
