"""Time `manage.py export_site` at growing sizes and print its peak memory; prints figures.

Run as: .venv/bin/python bench/export.py [--sizes 1000,10000,100000] [--database-url URL]

A throwaway database (SQLite in a temporary directory, or the PostgreSQL database named by
--database-url, dropped and created again) is filled with bulk inserts up to each size in turn:
N essays (Markdown bodies of about 1.5 KB, two topics, one or two authors) and 10 N comments
(a quarter of them replies, every status, a moderation record on the ones not approved).
At each size export_site runs as a child process, once per format, and its own peak RSS comes
from os.wait4() on that child, so the data generation does not count. Constant memory shows as
the same peak at every size. Nothing is asserted: the exit code is non-zero only when a
command fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench/ is the first entry otherwise

from bench.import_blogger import (  # noqa: E402  (the path above first)
    child_env,
    code_version,
    recreate_postgres,
    run_measured,
)

COMMENTS_PER_ESSAY = 10
PARAGRAPH = (
    "Rivers shaped the cities that grew on their banks: trade, water and the bridges that "
    "joined one side to the other. Their floods, and the walls built against them, still "
    "decide where people live. "
)


def grow(essays: int) -> None:
    """In a child process with Django set up: add essays and comments up to `essays`."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, Author, Section, Topic
    from articles.rendering import render_markdown
    from comments.models import Comment, ModerationAction, render_comment_text

    have = Article.objects.count()
    if have >= essays:
        return
    if not Section.objects.exists():
        Section.objects.bulk_create(
            Section(name=f"Section {n}", slug=f"section-{n}") for n in range(5)
        )
        Topic.objects.bulk_create(Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(40))
        Author.objects.bulk_create(
            Author(name=f"Author {n}", slug=f"author-{n}", bio="Writes.") for n in range(60)
        )
        get_user_model().objects.create_user("bench-moderator")
    sections = list(Section.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    authors = list(Author.objects.values_list("pk", flat=True))
    moderator = get_user_model().objects.get(username="bench-moderator")
    body = "\n\n".join([PARAGRAPH * 2] * 4)
    body_html = render_markdown(body)
    text = "I read this twice. The part about the bridges is right; the floods less so.\n" * 2
    text_html = render_comment_text(text)
    statuses = ["approved"] * 7 + ["pending", "spam", "removed"]
    now = timezone.now()
    batch = 2000
    for start in range(have, essays, batch):
        numbers = range(start, min(start + batch, essays))
        articles = Article.objects.bulk_create(
            Article(
                title=f"Essay number {n}",
                slug=f"essay-{n}",
                standfirst="A paragraph under the headline, shown in lists and feeds.",
                body=body,
                body_html=body_html,
                word_count=len(body.split()),
                section_id=sections[n % len(sections)],
                status="draft" if n % 20 == 0 else "published",
                published_at=None if n % 20 == 0 else now - timedelta(hours=n),
            )
            for n in numbers
        )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=a, author_id=authors[(a.pk + k) % len(authors)], position=k)
            for a in articles
            for k in range(1 + a.pk % 2)
        )
        Article.topics.through.objects.bulk_create(
            Article.topics.through(article=a, topic_id=topics[(a.pk + k) % len(topics)])
            for a in articles
            for k in range(2)
        )

        def comment(article, k, parent=None):
            return Comment(
                article=article,
                parent=parent,
                in_reply_to=parent,
                depth=1 if parent else 0,
                author_name=f"Reader {k}",
                author_email=f"reader{k}@example.org",
                text=text,
                text_html=text_html,
                status=statuses[k],
                ip_address="192.0.2.1",
                created_at=now - timedelta(hours=article.pk, minutes=-k),
            )

        # Every fourth comment answers the one before it: those go in a second insert, once
        # the comments they answer have ids (no bulk_update, whose CASE grows with the batch).
        answered = Comment.objects.bulk_create(
            comment(a, k) for a in articles for k in range(COMMENTS_PER_ESSAY) if k % 4 != 3
        )
        by_essay = {}
        for c in answered:
            by_essay.setdefault(c.article_id, []).append(c)
        comments = answered + Comment.objects.bulk_create(
            comment(a, k, parent=by_essay[a.pk][k - 1 - k // 4])
            for a in articles
            for k in range(COMMENTS_PER_ESSAY)
            if k % 4 == 3
        )
        ModerationAction.objects.bulk_create(
            ModerationAction(comment=c, moderator=moderator, status=c.status, created_at=now)
            for c in comments
            if c.status != "approved"
        )
        print(f"\r  {numbers[-1] + 1:,} essays", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="essays at each step (default 1k,10k,100k)"
    )
    parser.add_argument("--database-url", help="postgres://… database to drop and fill")
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    parser.add_argument("--grow", type=int, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.database_url and "bench" not in args.database_url.rsplit("/", 1)[-1]:
        parser.error("the database is dropped and recreated; its name must contain “bench”")
    return args


def main() -> int:
    args = parse_args()
    if args.grow is not None:
        grow(args.grow)
        return 0
    sizes = sorted(int(size) for size in args.sizes.split(","))
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    pg_name = args.database_url.rsplit("/", 1)[-1] if args.database_url else None
    try:
        if pg_name:
            recreate_postgres(args.database_url, pg_name, create=True)
        database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        env = child_env(database_url, work)
        manage = [sys.executable, "manage.py"]
        migrate = subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env)
        if migrate.returncode:
            print("migrate failed", file=sys.stderr)
            return 2
        results = []
        for essays in sizes:
            start = time.perf_counter()
            grown = subprocess.run([sys.executable, __file__, "--grow", str(essays)], env=env)
            if grown.returncode:
                return 2
            print(f"{essays:,} essays ready in {time.perf_counter() - start:.0f} s", flush=True)
            for fmt in ("wxr", "json"):
                out = work / f"out-{essays}-{fmt}"
                command = [*manage, "export_site", "--output", str(out), "--format", fmt]
                code, seconds, peak_mb = run_measured([*command, "-v", "0"], env)
                if code:
                    print(f"export_site --format {fmt} failed ({code})", file=sys.stderr)
                    return 1
                size = sum(f.stat().st_size for f in out.iterdir())
                results.append((essays, fmt, seconds, peak_mb, size))
                print(f"  {fmt}: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB, {size / 1e6:.1f} MB")
                if not args.keep:
                    shutil.rmtree(out)
        print()
        engine = "PostgreSQL" if pg_name else "SQLite"
        print(f"export_site benchmark — {engine}, {code_version()}")
        print("| essays | comments | format | wall | peak RSS | file |")
        print("|---:|---:|---|---:|---:|---:|")
        for essays, fmt, seconds, peak_mb, size in results:
            print(
                f"| {essays:,} | {essays * COMMENTS_PER_ESSAY:,} | {fmt} | {seconds:.1f} s "
                f"| {peak_mb:.0f} MB | {size / 1e6:.1f} MB |"
            )
        return 0
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            if pg_name:
                recreate_postgres(args.database_url, pg_name, create=False)


if __name__ == "__main__":
    sys.exit(main())
