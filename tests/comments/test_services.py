"""submit_comment() holds the rules of posting: each refusal is a named exception, whoever calls
it (the comment view maps them to pages: tests/comments/test_retries.py, test_spam.py)."""

import pytest
from django.db import OperationalError

from comments import notifications, services
from comments.models import Comment
from tests.factories import make_article, make_moderator

pytestmark = pytest.mark.django_db
GUEST = services.ClientInfo(ip="192.0.2.7", user_agent="Test browser")


def data(**fields):
    return {
        "name": "Ana",
        "email": "ana@example.org",
        "text": "A thought.",
        "seconds_on_form": 60.0,
        **fields,
    }


def test_a_closed_essay_refuses_and_stores_nothing():
    article = make_article(allow_comments=False)
    with pytest.raises(services.CommentsClosed):
        services.submit_comment(article=article, data=data(), client=GUEST)
    assert not Comment.objects.exists()


def test_over_the_limit_says_when_to_come_back(settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = make_article()
    services.submit_comment(article=article, data=data(), client=GUEST)
    with pytest.raises(services.RateLimited) as refused:
        services.submit_comment(article=article, data=data(text="Another."), client=GUEST)
    assert 0 < refused.value.retry_after <= 600
    other = services.ClientInfo(ip="192.0.2.8")
    services.submit_comment(article=article, data=data(text="Another."), client=other)
    assert Comment.objects.count() == 2


def test_the_same_text_twice_is_a_duplicate():
    article = make_article()
    services.submit_comment(article=article, data=data(), client=GUEST)
    with pytest.raises(services.DuplicateComment):
        services.submit_comment(article=article, data=data(), client=GUEST)
    assert Comment.objects.count() == 1


def test_a_failed_save_is_not_counted_and_leaves_nothing(settings, monkeypatch):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    make_moderator()
    article = make_article()

    def connection_lost(comment):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(notifications, "notify_moderators", connection_lost)
        with pytest.raises(OperationalError):
            services.submit_comment(article=article, data=data(), client=GUEST)
    assert not Comment.objects.exists()
    comment = services.submit_comment(article=article, data=data(), client=GUEST)
    assert comment.ip_address == "192.0.2.7" and comment.user_agent == "Test browser"
