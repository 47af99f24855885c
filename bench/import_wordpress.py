"""Time `manage.py import_wordpress` on synthetic WXR files of two sizes; prints figures.

Run as: .venv/bin/python bench/import_wordpress.py [--posts 2000 10000] [--keep]

Each file imitates WordPress's own "All content" export (WXR 1.2): authors, categories and
tags, then posts (a tenth drafts, some scheduled) with threaded comments (some held, some spam,
a few pingbacks), and pages. Bodies are the Blogger benchmark's HTML, written as classic-editor
text with blank lines between paragraphs, so wpautop has work to do. Each import runs as a child
process on a fresh SQLite database; its peak RSS comes from os.wait4() on that child alone. The
point of two sizes: the peak should stay nearly flat while the file grows (the reader lets each
item go once read). Nothing here asserts; the exit code is non-zero only if an import fails.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from xml.sax.saxutils import escape

from bench.import_blogger import ROOT, body, child_env, code_version, comment_html, run_measured

SITE = "https://essays.example.org"
AUTHORS = [("marian", "Marian Holt"), ("tomas", "Tomás Okafor"), ("lea", "Léa Fournier")]
CATEGORIES = ["Politics", "Cities", "Books", "Science", "Letters", "Uncategorized"]
TAGS = [f"tag-{n}" for n in range(60)]
START = datetime(2012, 1, 1, 9, 0, tzinfo=UTC)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def header() -> str:
    authors = "".join(
        f"<wp:author><wp:author_login>{login}</wp:author_login>"
        f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>"
        for login, name in AUTHORS
    )
    categories = "".join(
        f"<wp:category><wp:category_nicename>{name.lower()}</wp:category_nicename>"
        f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"
        for name in CATEGORIES
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        f"<channel><title>Bench Essays</title><link>{SITE}</link>"
        f"<wp:wxr_version>1.2</wp:wxr_version>{authors}{categories}\n"
    )


def comments(rng: Random, post_id: int, when: datetime) -> tuple[str, int]:
    out, count = [], rng.choice([0, 0, 1, 2, 3, 5, 8, 13])
    for n in range(count):
        comment_id = post_id * 100 + n
        parent = post_id * 100 + rng.randrange(n) if n and rng.random() < 0.3 else 0
        approved = rng.choices(["1", "0", "spam"], weights=[85, 10, 5])[0]
        kind = "pingback" if rng.random() < 0.03 else ""
        stamp = (when + timedelta(hours=n + 1)).strftime("%Y-%m-%d %H:%M:%S")
        out.append(
            f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
            f"<wp:comment_author>{cdata(f'Reader {rng.randrange(500)}')}</wp:comment_author>"
            f"<wp:comment_author_email>r{rng.randrange(500)}@example.net</wp:comment_author_email>"
            f"<wp:comment_author_IP>203.0.113.{rng.randrange(255)}</wp:comment_author_IP>"
            f"<wp:comment_date_gmt>{stamp}</wp:comment_date_gmt>"
            f"<wp:comment_content>{cdata(comment_html(rng))}</wp:comment_content>"
            f"<wp:comment_approved>{approved}</wp:comment_approved>"
            f"<wp:comment_type>{kind}</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        )
    return "".join(out), count


def post(rng: Random, post_id: int, total: int) -> tuple[str, int]:
    when = START + timedelta(hours=post_id * 7)
    status = rng.choices(["publish", "draft", "future"], weights=[88, 10, 2])[0]
    if status == "future":
        when = datetime(2040, 1, 1, tzinfo=UTC) + timedelta(hours=post_id)
    slug = f"essay-{post_id}"
    text = body(rng).replace("<br />", "\n\n")
    terms = "".join(
        f'<category domain="category" nicename="{c.lower()}">{cdata(c)}</category>'
        for c in rng.sample(CATEGORIES, 2)
    ) + "".join(
        f'<category domain="post_tag" nicename="{t}">{cdata(t)}</category>'
        for t in rng.sample(TAGS, 3)
    )
    thread, count = comments(rng, post_id, when)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"<item><title>{escape(f'Essay number {post_id} of {total}')}</title>"
        f"<link>{SITE}/{when:%Y/%m}/{slug}/</link><dc:creator>{rng.choice(AUTHORS)[0]}</dc:creator>"
        f"<content:encoded>{cdata(text)}</content:encoded><excerpt:encoded></excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>{stamp}</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_type>post</wp:post_type>{terms}{thread}</item>\n"
    ), count


def generate(path: Path, posts: int, seed: int) -> tuple[int, int]:
    rng, comment_total = Random(seed), 0
    with path.open("w", encoding="utf-8", buffering=2**20) as out:
        out.write(header())
        for post_id in range(1, posts + 1):
            text, count = post(rng, post_id, posts)
            out.write(text)
            comment_total += count
        out.write(
            f"<item><title>About</title><link>{SITE}/about/</link><wp:post_id>{posts + 1}"
            "</wp:post_id><wp:post_name>about</wp:post_name><wp:status>publish</wp:status>"
            "<wp:post_type>page</wp:post_type><content:encoded>About us.</content:encoded></item>"
            "</channel></rss>\n"
        )
    return posts, comment_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the files and databases")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-wordpress-"))
    failed = False
    print(f"WordPress import benchmark — SQLite, {code_version()}")
    try:
        for posts in args.posts:
            export = work / f"wordpress-{posts}.xml"
            _, comment_total = generate(export, posts, args.seed)
            env = child_env(f"sqlite:///{work / f'bench-{posts}.sqlite3'}", work)
            manage = [sys.executable, "manage.py"]
            subprocess.run(
                [*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
            )
            code, seconds, peak_mb = run_measured([*manage, "import_wordpress", str(export)], env)
            failed |= bool(code)
            print(
                f"  {posts:>7,} posts, {comment_total:>7,} comments, "
                f"{export.stat().st_size / 1e6:6.1f} MB: {seconds:6.1f} s, "
                f"{posts / seconds:5.0f} posts/s, peak RSS {peak_mb:4.0f} MB (exit {code})",
                flush=True,
            )
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
