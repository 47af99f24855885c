"""What an essay page with 20 comments costs to render when no cache helps (in-process).

    .venv/bin/python bench/cold_essay.py               # 300 GETs: median, p90, best, queries
    .venv/bin/python bench/cold_essay.py --profile     # and the top functions (cProfile)

It migrates a fresh SQLite database in a temporary directory, imports tests/data/essay.txt as a
published essay, adds 20 approved comments (a third of them replies, some two deep, some with
links and several paragraphs), and GETs the essay through Django's test client with the page
cache off (PAGE_CACHE_SECONDS=0), as an anonymous reader. DEBUG stays as the environment says
(on by default, as in development). It prints figures; it asserts nothing. On a shared machine
the best time is the steadiest figure to compare.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "I lived through the nineties there and this matches what my parents did with savings.",
    "The figures are at https://example.org/rates?year=2024&series=key and say otherwise.\n\n"
    "Read the second table, not the first.",
    "Good piece.\nShort lines,\nlike a poem.",
    "Stability is a choice, yes — but whose? The households paid for it, as the essay says, "
    "and the small firms that borrow to buy stock paid twice. See www.example.com/notes too.",
    "I disagree with the last paragraph. <b>Not</b> every rate rise is a tax on savers.",
    "Two links: https://example.org/a and http://example.net/b?c=1 — both worth a look.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--top", type=int, default=30, help="functions shown with --profile")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="cold-essay-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/db.sqlite3"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    article = make_essay_with_comments(call_command)
    url = article.get_absolute_url()
    client = Client(HTTP_HOST="localhost")

    for _ in range(20):  # warm up: templates compiled, URL resolvers filled
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)  # now: with DEBUG on, each request empties connection.queries
    times, cpu_times = [], []
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.requests):
        start, cpu_start = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        client.get(url)
        if profiler:
            profiler.disable()
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    times.sort()
    p90 = times[int(len(times) * 0.9) - 1]
    print(
        f"GET {url} ({article.comment_count} comments, {len(response.content):,} bytes): "
        f"median {statistics.median(times):.2f} ms, p90 {p90:.2f} ms, best {times[0]:.2f} ms "
        f"(CPU median {statistics.median(cpu_times):.2f} ms), "
        f"{query_count} queries, {args.requests} requests"
    )
    if profiler:
        print("(timings above include cProfile's overhead)")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
    tmp.cleanup()


def make_essay_with_comments(call_command):
    from articles.models import Article
    from comments.models import Comment
    from comments.services import refresh_comment_counts

    essay = str(ROOT / "tests/data/essay.txt")
    call_command("import_essay", essay, "--publish", stdout=io.StringIO())
    article = Article.objects.get()
    made = []
    for n in range(20):
        # Every third comment answers the one before it (up to two levels deep).
        parent = made[-1] if n % 3 and made[-1].depth < 2 else None
        made.append(
            Comment.objects.create(
                article=article,
                parent=parent,
                in_reply_to=parent,
                depth=parent.depth + 1 if parent else 0,
                author_name=f"Reader {n}",
                author_email=f"reader{n}@example.org",
                author_url="https://reader.example.org/" if n % 4 == 0 else "",
                text=TEXTS[n % len(TEXTS)],
                status=Comment.Status.APPROVED,
            )
        )
    refresh_comment_counts(article_ids=[article.pk])
    article.refresh_from_db()
    return article


if __name__ == "__main__":
    main()
