from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section, Topic
from comments.models import Comment
from comments.services import refresh_comment_counts
from comments.spam import POLICY_ALL
from demo import content


class Command(BaseCommand):
    help = (
        "Load the demo essays (demo/essays/*.md), sections, topics and authors "
        "(demo/listings.toml). Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds any essay (used by `make run`).",
        )

    @transaction.atomic
    def handle(self, *args, if_empty=False, **options):
        if if_empty and Article.objects.exists():
            self.stdout.write("Essays already present; demo content not loaded.")
            return
        try:
            rows, essays = content.listings(), content.essays()
        except content.DemoContentError as error:
            raise CommandError(error) from error
        sections = self.upsert(Section, rows["sections"])
        topics = self.upsert(Topic, rows["topics"])
        authors = self.upsert(Author, rows["authors"])
        created = 0
        # Times are anchored to the first load; existing essays are never touched again.
        now = timezone.now().replace(second=0, microsecond=0)
        for essay in essays:
            if Article.objects.filter(slug=essay.slug).exists():
                continue
            try:
                article = Article.objects.create(
                    slug=essay.slug,
                    title=essay.title,
                    standfirst=essay.standfirst,
                    body=essay.body,
                    section=sections[essay.section],
                    status=essay.status,
                    published_at=now + essay.published_at,
                )
                for position, slug in enumerate(essay.authors):
                    ArticleAuthor.objects.create(
                        article=article, author=authors[slug], position=position
                    )
                article.topics.set([topics[slug] for slug in essay.topics])
            except KeyError as error:
                raise CommandError(f"{essay.slug}: no section, topic or author {error}") from error
            self.add_comments(article, essay.comments)
            created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {created} new essays."))

    @staticmethod
    def add_comments(article, rows):
        """The demo comments of a newly created essay; `reply_to` counts from 1 in its file."""
        stored = []
        for row in rows:
            reply_to = row.get("reply_to")
            if reply_to is not None and not 1 <= reply_to <= len(stored):
                raise CommandError(f"{article.slug}: reply_to {reply_to} is not an earlier comment")
            parent = stored[reply_to - 1] if reply_to else None
            approved = row["status"] == Comment.Status.APPROVED
            stored.append(
                Comment.objects.create(
                    article=article,
                    parent=parent,
                    depth=parent.depth + 1 if parent else 0,
                    author_name=row["name"],
                    author_email=row["email"],
                    text=row["text"],
                    status=row["status"],
                    held_reasons=row.get("reasons", "" if approved else POLICY_ALL),
                    created_at=article.published_at + timedelta(hours=row["hours_after"]),
                )
            )
        refresh_comment_counts(article_ids=[article.pk])

    @staticmethod
    def upsert(model, rows):
        """get_or_create by slug; returns {slug: instance}. Existing rows are left as they are."""
        objects = {}
        for row in rows:
            fields = {key: value for key, value in row.items() if key != "slug"}
            objects[row["slug"]], _ = model.objects.get_or_create(slug=row["slug"], defaults=fields)
        return objects
