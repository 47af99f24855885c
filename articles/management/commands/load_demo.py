from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles import demo_data
from articles.models import Article, ArticleAuthor, Author, Section, Topic
from comments.models import Comment
from comments.services import refresh_comment_counts
from comments.spam import POLICY_ALL


class Command(BaseCommand):
    help = "Load the demo essays, sections, topics and authors. Running it twice changes nothing."

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
        sections = self.upsert(Section, demo_data.SECTIONS)
        topics = self.upsert(Topic, demo_data.TOPICS)
        authors = self.upsert(Author, demo_data.AUTHORS)
        created = 0
        # Times are anchored to the first load; existing essays are never touched again.
        now = timezone.now().replace(second=0, microsecond=0)
        for essay in demo_data.ESSAYS:
            if Article.objects.filter(slug=essay["slug"]).exists():
                continue
            article = Article.objects.create(
                slug=essay["slug"],
                title=essay["title"],
                standfirst=essay["standfirst"],
                body=essay["body"].strip(),
                section=sections[essay["section"]],
                status=essay["status"],
                published_at=now - timedelta(days=essay["days_ago"]),
            )
            for position, slug in enumerate(essay["authors"]):
                ArticleAuthor.objects.create(
                    article=article, author=authors[slug], position=position
                )
            article.topics.set([topics[slug] for slug in essay["topics"]])
            self.add_comments(article)
            created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {created} new essays."))

    @staticmethod
    def add_comments(article):
        """The demo comments of a newly created essay, threaded as the data says."""
        stored = {}
        for index, row in enumerate(demo_data.COMMENTS):
            if row["essay"] != article.slug:
                continue
            parent = stored.get(row.get("reply_to"))
            stored[index] = Comment.objects.create(
                article=article,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                author_name=row["name"],
                author_email=row["email"],
                text=row["text"],
                status=row["status"],
                held_reasons=row.get("reasons", "" if row["status"] == "approved" else POLICY_ALL),
                created_at=article.published_at + timedelta(hours=row["hours_after"]),
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
