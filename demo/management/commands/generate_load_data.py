"""Fill a database with many essays and comments, fast, for benchmarks.

Bulk inserts in batches; bodies are generated already rendered; search vectors, comment
counts and the page-cache version are brought up to date at the end in a few statements.
Everything it makes has a slug or email starting with "load-", so it can run again to add more.
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.edge import EVERY_LIST
from articles.management.progress import progress_bar
from articles.models import Article, ArticleAuthor, Author, Section, Topic
from articles.search import refresh_search_vectors
from comments.models import Comment, render_comment_text
from comments.services import refresh_comment_counts
from core.edge import purge

WORDS = [
    "policy", "city", "harbour", "water", "grid", "energy", "trade", "school", "library",
    "archive", "reform", "budget", "council", "market", "street", "transit", "ministry",
    "law", "court", "treaty", "border", "river", "port", "tariff", "wage", "household",
    "savings", "interest", "inflation", "bank", "museum", "history", "memory", "village",
    "farm", "climate", "drought", "flood", "bridge", "tunnel", "railway", "election", "party",
    "voter", "parliament", "press", "censorship", "reader", "essay", "argument", "evidence",
    "data", "survey", "census", "region", "province", "capital", "neighbourhood", "rent",
    "housing", "mortgage", "landlord", "tenant", "engineer", "planner", "mayor", "minister",
    "citizen", "public", "private", "common", "quiet", "slow", "careful", "honest", "difficult",
    "modest", "durable", "fragile", "local", "national", "ordinary",
]  # fmt: skip
BATCH = 2000
# Real prose mixes a few common words with many rare ones; without rare words every essay would
# match every search. Three thousand made-up words (e.g. "tovarel") give each about 3% of essays.
SYLLABLES = ["ka", "lo", "mer", "tov", "ar", "el", "vin", "dra", "su", "pel", "ron", "ith"]
RARE = sorted({
    "".join(random.Random(n).choices(SYLLABLES, k=3)) + str(n % 7 or "")
    for n in range(3000)
})  # fmt: skip


def sentence(rng, n):
    words = [rng.choice(RARE) if rng.random() < 0.25 else rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng, sentences=4):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def essay_status(rng):
    return Article.Status.DRAFT if rng.random() < 0.01 else Article.Status.PUBLISHED  # 1 %


class Command(BaseCommand):
    help = "Bulk-create essays and comments for benchmarks (--articles 100000 --comments 1000000)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--comments", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, articles, comments, seed, **options):
        rng = random.Random(seed)
        sections, topics, authors = self.vocabulary()
        start = Article.objects.filter(slug__startswith="load-").count()
        ids = self.make_articles(rng, articles, start, sections, topics, authors)
        self.make_comments(rng, ids, comments)
        self.stdout.write("Updating search vectors, comment counts and cached pages…")
        for first in range(0, len(ids), 5000):
            chunk = ids[first : first + 5000]
            refresh_search_vectors(chunk)
            with transaction.atomic():
                refresh_comment_counts(article_ids=chunk)
        purge.changed(*EVERY_LIST)  # new essays in every list (bulk_create sends no signal)
        self.stdout.write(self.style.SUCCESS(f"Created {len(ids)} essays and {comments} comments."))

    def vocabulary(self):
        def ensure(model, count, prefix, **extra):
            existing = list(model.objects.filter(slug__startswith=prefix))
            model.objects.bulk_create(
                model(name=f"{prefix.title()} {n}", slug=f"{prefix}{n}", **extra)
                for n in range(len(existing), count)
            )
            return list(model.objects.filter(slug__startswith=prefix))

        return (
            ensure(Section, 10, "load-section-"),
            ensure(Topic, 60, "load-topic-"),
            ensure(Author, 300, "load-author-"),
        )

    def make_articles(self, rng, total, start, sections, topics, authors):
        now = timezone.now()
        progress = progress_bar(self.stderr, "essays   ")
        ids = []
        Through = Article.topics.through
        for first in range(0, total, BATCH):
            batch = []
            for n in range(start + first, start + min(first + BATCH, total)):
                paragraphs = [paragraph(rng) for _ in range(rng.randint(5, 8))]
                body = "\n\n".join(paragraphs)
                published = now - timedelta(minutes=rng.randint(10, 60 * 24 * 365 * 10))
                batch.append(
                    Article(
                        title=sentence(rng, rng.randint(4, 9)).rstrip("."),
                        slug=f"load-essay-{n}",
                        standfirst=paragraph(rng, 2),
                        body=body,
                        body_html="\n".join(f"<p>{p}</p>" for p in paragraphs),
                        word_count=len(body.split()),
                        section=rng.choice(sections),
                        status=essay_status(rng),
                        published_at=published,
                    )
                )
            with transaction.atomic():
                created = Article.objects.bulk_create(batch)
                ArticleAuthor.objects.bulk_create(
                    ArticleAuthor(article=a, author=author, position=i)
                    for a in created
                    for i, author in enumerate(rng.sample(authors, rng.choice((1, 1, 1, 2))))
                )
                Through.objects.bulk_create(
                    Through(article_id=a.pk, topic_id=topic.pk)
                    for a in created
                    for topic in rng.sample(topics, rng.randint(1, 3))
                )
            ids.extend(a.pk for a in created)
            progress(len(ids), total)
        return ids

    def make_comments(self, rng, article_ids, total):
        if not article_ids or not total:
            return
        published = dict(
            Article.objects.filter(pk__in=article_ids).values_list("pk", "published_at")
        )
        progress = progress_bar(self.stderr, "comments ")
        made = 0
        Status = Comment.Status
        statuses = (
            [Status.APPROVED] * 90 + [Status.PENDING] * 7 + [Status.SPAM] * 2 + [Status.REMOVED]
        )
        while made < total:
            size = min(BATCH * 5, total - made)
            targets = rng.choices(article_ids, k=size)
            top = [self.comment(rng, a, published[a], None, statuses, made + i)
                   for i, a in enumerate(targets[: size * 7 // 10])]  # fmt: skip
            with transaction.atomic():
                top = Comment.objects.bulk_create(top)
                parents = [c for c in top if c.is_approved]
                replies = [
                    self.comment(rng, p.article_id, p.created_at, p, statuses, made + len(top) + i)
                    for i, p in enumerate(rng.choices(parents, k=size - len(top)))
                ] if parents else []  # fmt: skip
                Comment.objects.bulk_create(replies)
            made += len(top) + len(replies)
            progress(min(made, total), total)

    @staticmethod
    def comment(rng, article_id, after, parent, statuses, n):
        text = paragraph(rng, rng.randint(1, 3))
        return Comment(
            article_id=article_id,
            parent=parent,
            in_reply_to=parent,
            depth=parent.depth + 1 if parent else 0,
            author_name=f"Reader {n % 5000}",
            author_email=f"load-reader{n % 5000}@example.org",
            text=text,
            text_html=render_comment_text(text),  # bulk_create does not call save()
            status=rng.choice(statuses) if parent is None else Comment.Status.APPROVED,
            held_reasons="",
            ip_address=f"198.51.100.{n % 250 + 1}",
            created_at=after + timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
        )
