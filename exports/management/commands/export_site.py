from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from articles.management.progress import progress_bar
from exports.services import write_export

FORMATS = {"wxr": ("wxr",), "json": ("json",), "both": ("wxr", "json")}


class Command(BaseCommand):
    help = (
        "Export everything the site owns: a WordPress WXR 1.2 file and a JSON archive (zip "
        "with the media files). Both hold commenters' emails and IP addresses: keep them private."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=".", help="Folder to write to (default: here).")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), default="both", help="Default: both."
        )
        parser.add_argument(
            "--revisions",
            action="store_true",
            help="Also put every saved revision of essays and pages in the JSON archive.",
        )

    def handle(self, *args, output, format, revisions, verbosity=1, **options):
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"--output {output} is not a folder.")
        try:
            written = write_export(
                directory,
                formats=FORMATS[format],
                revisions=revisions,
                progress=(lambda label: progress_bar(self.stderr, label)) if verbosity else None,
            )
        except OSError as error:
            raise CommandError(f"Could not write the export: {error}") from error
        for file in written:
            counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in file.counts.items())
            self.stdout.write(f"Wrote {file.path} ({filesizeformat(file.size)}): {counts}")
