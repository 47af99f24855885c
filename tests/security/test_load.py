"""Load on PostgreSQL against a live server started by the test (127.0.0.1 only; bounded)."""

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from articles.models import Article
from comments import services
from comments.models import Comment, ModerationAction
from tests.factories import comment_data, make_article, make_comment, make_moderator
from tests.security.live import fetch, reader

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Row locks and concurrent writers behave as in production only on PostgreSQL; SQLite
    # serialises every write, so these would test nothing there.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="load tests need PostgreSQL's concurrency"
    ),
]
CLIENTS, POSTS_EACH = 20, 10


def test_a_comment_flood_stores_each_accepted_comment_once(live_server, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    settings.TRUSTED_PROXY_COUNT = 1
    # A day, not ten minutes: django-ratelimit staggers each address's window by a hash of it,
    # so with a short period a reader's window may roll over mid-test and allow five more.
    settings.COMMENTS_RATE_LIMIT = "5/1d"
    article = make_article()
    page_url = live_server.url + article.get_absolute_url()
    post_url = f"{live_server.url}/essays/{article.slug}/comments/"

    def one_reader(n):
        opener = reader(n)
        status, html = fetch(opener, page_url)
        assert status == 200
        results = []
        for k in range(POSTS_EACH):
            data = comment_data(
                article, text=f"Reader {n} says thing {k}", email=f"r{n}@example.org"
            )
            body = urllib.parse.urlencode(data).encode()
            status, html = fetch(opener, post_url, body)
            results.append((status, f"Reader {n} says thing {k}", html))
        return results

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = [r for batch in pool.map(one_reader, range(CLIENTS), timeout=120) for r in batch]
    assert time.monotonic() - started < 120
    assert len(results) == CLIENTS * POSTS_EACH
    statuses = [status for status, _, _ in results]
    assert 500 not in statuses and not any(s >= 500 for s in statuses)
    accepted = [text for status, text, _ in results if status == 302]
    refused = [(status, html) for status, _, html in results if status != 302]
    assert all(status == 429 or (status == 200 and "errorlist" in html or "invalid-feedback" in html)
               for status, html in refused)  # fmt: skip
    assert len(accepted) == CLIENTS * 5  # each address may post five
    stored = list(Comment.objects.filter(article=article).values_list("text", flat=True))
    assert sorted(stored) == sorted(accepted)  # every accepted comment exactly once
    article.refresh_from_db()
    approved = Comment.objects.approved().filter(article=article).count()
    assert article.comment_count == approved == len(accepted)
    _, html = fetch(reader(99), page_url)
    assert f"{approved} comments</h2>" in html


def test_two_moderators_at_once_leave_every_comment_consistent():
    article = make_article()
    comments = [make_comment(article, status="pending") for _ in range(40)]
    first, second = make_moderator("first"), make_moderator("second")
    barrier = threading.Barrier(2)
    errors = []

    def moderate(moderator, status, order):
        try:
            barrier.wait(timeout=10)
            for _ in range(3):
                services.moderate_comments(comments=order, status=status, moderator=moderator)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=moderate, args=(first, "approved", comments)),
        threading.Thread(target=moderate, args=(second, "removed", comments[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    for comment in Comment.objects.filter(article=article):
        assert comment.status in ("approved", "removed")
        last = (
            ModerationAction.objects.filter(comment=comment).order_by("-created_at", "-id").first()
        )
        assert last.status == comment.status and last.moderator == comment.moderated_by
    article.refresh_from_db()
    assert article.comment_count == Comment.objects.approved().filter(article=article).count()
    assert Article.objects.count() == 1
