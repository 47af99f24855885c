"""Both writers stream: ten times the essays and comments, the same peak memory.

Small numbers with a small chunk size (bench/export.py measures 100,000 essays and a million
comments). If a writer held a table in memory (a list() of a queryset, the comments of every
essay at once) its peak would grow about tenfold here.
"""

import tracemalloc
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from comments.models import Comment, render_comment_text
from exports.archive import write_archive
from exports.wxr import write_wxr
from tests.factories import make_author, make_section

CHUNK = 10


class Sink:
    """A text stream that forgets what it is given, so only the writer's memory counts."""

    def write(self, text):
        return len(text)


def add_site(essays: int, comments_each: int = 10):
    section, author = make_section(), make_author()
    start = Article.objects.count()
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Essay {start + n}",
            slug=f"essay-{start + n}",
            standfirst="A standfirst of a sentence or two. " * 3,
            body="Body text. " * 200,
            body_html="<p>" + "Body text. " * 200 + "</p>",
            section=section,
            status="published",
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(essays)
    )
    ArticleAuthor.objects.bulk_create(ArticleAuthor(article=a, author=author) for a in articles)
    text = "A reader's comment of a few lines. " * 8
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name="Reader",
            author_email="reader@example.org",
            text=text,
            text_html=render_comment_text(text),
            status="approved",
            ip_address="192.0.2.1",
            created_at=now - timedelta(minutes=n),
        )
        for article in articles
        for n in range(comments_each)
    )


def peak(write) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda tmp: write_wxr(Sink(), chunk_size=CHUNK), id="wxr"),
        pytest.param(lambda tmp: write_archive(tmp / "a.zip", chunk_size=CHUNK), id="json"),
    ],
)
def test_peak_memory_does_not_grow_with_the_site(write, tmp_path):
    add_site(5)  # 5 essays, 50 comments
    write(tmp_path)  # warm up: templates, regexes, query compilation
    small = peak(lambda: write(tmp_path))
    add_site(45)  # 50 essays, 500 comments
    large = peak(lambda: write(tmp_path))
    assert Comment.objects.count() == 500
    assert large < small * 1.5, (small, large)
