from datetime import datetime
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.importers import plaintext
from articles.importers.store import slug_for, store_plain_essay, unique_slug
from articles.models import Article, ArticleAuthor, Author, Topic

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
MAX_NAME = 100  # the shortest name field (topic, section); author names fit too
# Near year 1 or 9999 the time zone's offset pushes the UTC time the database stores outside
# what datetime holds (OverflowError on save); a publication date outside these is a typo.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_date(value: str) -> datetime:
    """`YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM`, in the site's time zone."""
    for fmt in DATE_FORMATS:
        try:
            moment = datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise CommandError(
                f"--date {value!r} is out of range: give a year from {MIN_YEAR} to {MAX_YEAR}."
            )
        return timezone.make_aware(moment, timezone.get_default_timezone())
    raise CommandError(
        f"--date {value!r} is not a date: give YYYY-MM-DD or YYYY-MM-DDTHH:MM "
        "(site time zone), e.g. 2025-03-01 or 2025-03-01T09:30."
    )


def clean_names(names: list[str], option: str) -> list[str]:
    cleaned = []
    for name in names:
        name = " ".join(name.split())
        if not name:
            raise CommandError(f"{option} needs a name; an empty one was given.")
        if len(name) > MAX_NAME:
            raise CommandError(f"{option} {name[:40]!r}… is too long (over {MAX_NAME} characters).")
        if name.casefold() not in {n.casefold() for n in cleaned}:
            cleaned.append(name)
    return cleaned


def find_or_create(model, name: str):
    """An author or topic with this name (any case) or this slug; a new one if none."""
    slug = slug_for(name, MAX_NAME)
    match = Q(name__iexact=name) | Q(slug=slug) if slug else Q(name__iexact=name)
    existing = model.objects.filter(match).order_by("pk").first()
    if existing:
        return existing
    fallback = model._meta.model_name
    return model.objects.create(name=name, slug=unique_slug(name, model, MAX_NAME, fallback))


class Command(BaseCommand):
    help = (
        "Import one essay from a UTF-8 text file: line 1 the section (blog name), line 2 the "
        "headline, line 3 the standfirst, then one paragraph per line. Trailing “No comments:” "
        "/ “Post a Comment” lines are dropped. The essay is a draft unless --publish is given; "
        "with --publish and a future --date it is scheduled for that time."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--section", help="file it under this section instead of line 1")
        parser.add_argument(
            "--author",
            action="append",
            dest="authors",
            metavar="NAME",
            help="an author on the byline, in order; repeat for several (default: "
            "“Editorial staff”). Matched by name (any case) or slug; created if new.",
        )
        parser.add_argument(
            "--topic",
            action="append",
            dest="topics",
            metavar="NAME",
            help="a topic; repeat for several. Matched by name (any case) or slug; created if new.",
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD[THH:MM]",
            help="publication time, in the site's time zone (midnight if no time), years "
            "1900 to 2200: in the past it dates the essay; in the future, with --publish, it "
            "schedules it",
        )
        parser.add_argument("--publish", action="store_true", help="publish it (or schedule it)")

    def handle(self, *args, file: Path, section=None, publish=False, **options):
        authors = clean_names(options["authors"] or ["Editorial staff"], "--author")
        topics = clean_names(options["topics"] or [], "--topic")
        when = parse_date(options["date"]) if options["date"] else None
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text; nothing was imported.") from exc
        try:
            essay = plaintext.parse(text)
            article = self.store(essay, section, authors, topics, when, publish)
        except (plaintext.EssayFileError, DatabaseError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if article.is_scheduled:
            state = f"scheduled for {timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"
        else:
            state = "published" if article.is_live else "saved as a draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"“{article.title}” {state} in {article.section.name} "
                f"({len(essay.paragraphs)} paragraphs, {article.word_count} words): "
                f"{article.get_absolute_url()}"
            )
        )

    @staticmethod
    def store(essay, section, author_names, topic_names, when, publish) -> Article:
        # One transaction and one revision: the essay appears whole, with its byline, topics
        # and date, or not at all.
        with transaction.atomic(), reversion.create_revision():
            authors = [find_or_create(Author, name) for name in author_names]
            topics = [find_or_create(Topic, name) for name in topic_names]
            article = store_plain_essay(
                essay, section_name=section, author_name=authors[0].name, publish=publish
            )
            article.bylines.all().delete()  # the byline exactly as given, in order
            for position, author in enumerate(authors):
                ArticleAuthor.objects.create(article=article, author=author, position=position)
            article.topics.set(topics)
            if when is not None:
                article.published_at = when
            article.save()  # last, so the revision holds the topics and the date too
        return article
