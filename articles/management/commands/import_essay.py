from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.importers import plaintext
from articles.importers.store import store_plain_essay


class Command(BaseCommand):
    help = (
        "Import one essay from a UTF-8 text file: line 1 the section (blog name), line 2 the "
        "headline, line 3 the standfirst, then one paragraph per line. Trailing “No comments:” "
        "/ “Post a Comment” lines are dropped. The essay is a draft unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--section", help="file it under this section instead of line 1")
        parser.add_argument("--author", default="Editorial staff", help="byline (one author)")
        parser.add_argument("--publish", action="store_true", help="publish it now")

    def handle(self, *args, file: Path, section=None, author, publish=False, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text; nothing was imported.") from exc
        try:
            essay = plaintext.parse(text)
            article = store_plain_essay(
                essay, section_name=section, author_name=author, publish=publish
            )
        except (plaintext.EssayFileError, DatabaseError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        state = "published" if publish else "saved as a draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"“{article.title}” {state} in {article.section.name} "
                f"({len(essay.paragraphs)} paragraphs, {article.word_count} words): "
                f"{article.get_absolute_url()}"
            )
        )
