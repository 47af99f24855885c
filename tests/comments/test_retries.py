"""A comment is either stored or the reader is told what happened, with their text handed back;
nothing a failed or refused attempt did blocks its retry. Live-server versions of these, on
PostgreSQL with real faults, are in tests/security/test_comment_faults.py."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from comments import notifications
from comments.models import Comment
from core.models import OutgoingEmail
from tests.factories import comment_data, make_article, make_moderator

pytestmark = pytest.mark.django_db
ALREADY = "You have already posted this comment."


def post(client, article, ip="192.0.2.1", data=None, **fields):
    url = reverse("comments:post", args=[article.slug])
    return client.post(url, data or comment_data(article, **fields), REMOTE_ADDR=ip)


def kept_text(response) -> str:
    """What the page's comment box holds, as the browser would show it."""
    box = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', response.text, re.S)
    return unescape(box[1]).strip() if box else ""


def test_a_save_that_fails_hands_the_text_back_and_its_retry_is_accepted(client, monkeypatch):
    make_moderator()
    article = make_article()
    data = comment_data(article, text="Worth keeping & <posting>")

    def connection_lost(comment):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(notifications, "notify_moderators", connection_lost)  # after the INSERT
        failed = post(client, article, data=data)
    assert failed.status_code == 503 and int(failed["Retry-After"]) > 0
    assert "Nothing was stored" in failed.text and "Traceback" not in failed.text
    assert kept_text(failed) == "Worth keeping & <posting>"
    assert not Comment.objects.exists() and not OutgoingEmail.objects.exists()  # no half-save

    retried = post(client, article, data=data)
    assert retried.status_code == 302, ALREADY if ALREADY in retried.text else retried.status_code
    assert Comment.objects.get().text == "Worth keeping & <posting>"
    assert OutgoingEmail.objects.count() == 1  # the moderator hears of it once


def test_the_same_text_from_the_same_address_is_refused_on_any_essay(client):
    first, second = make_article(), make_article()
    assert post(client, first, text="Same words").status_code == 302
    again = post(client, second, text="Same words", email="ZOE@Example.org")
    assert again.status_code == 200 and ALREADY in again.text
    assert kept_text(again) == "Same words"
    assert post(client, second, text="Same words", email="other@example.org").status_code == 302
    assert Comment.objects.filter(text="Same words").count() == 2


def test_the_same_text_is_welcome_again_after_the_window(client, settings):
    settings.COMMENTS_DUPLICATE_WINDOW_HOURS = 24
    article = make_article()
    assert post(client, article, text="Every year").status_code == 302
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert post(client, article, text="Every year").status_code == 302
    assert Comment.objects.filter(text="Every year").count() == 2


def test_a_429_keeps_the_readers_comment_ready_to_post_again(client, settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = make_article()
    assert post(client, article, text="First thought").status_code == 302
    refused = post(client, article, text="Second thought,\nkept", name="Ana", email="ana@ex.org")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many comments" in refused.text
    assert kept_text(refused) == "Second thought,\nkept"
    assert 'value="Ana"' in refused.text and 'value="ana@ex.org"' in refused.text
    assert (
        f'action="{reverse("comments:post", args=[article.slug])}#comment-errors"' in refused.text
    )

    cache.clear()  # the limit's window has passed
    kept = refused.context["comment_form"]
    resent = {name: kept[name].value() or "" for name in kept.fields}
    resent["notify_replies"] = ""
    assert post(client, article, data=resent).status_code == 302
    assert Comment.objects.filter(text="Second thought,\nkept").exists()


def test_a_429_never_blocks_the_retry(client, settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = make_article()
    assert post(client, article, text="Mine").status_code == 302
    refused = post(client, article, text="Refused once")
    assert refused.status_code == 429 and kept_text(refused) == "Refused once"
    retried = post(client, article, text="Refused once", ip="192.0.2.99")
    assert retried.status_code == 302, ALREADY if ALREADY in retried.text else retried.status_code
    assert Comment.objects.filter(text="Refused once").count() == 1
