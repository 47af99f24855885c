"""Moderators choose how they hear of held comments: one email each, a digest, or none."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import NoticePreference
from comments.notifications import send_digests
from tests.factories import comment_data, make_article, make_comment, make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://blog.example.org"
    settings.COMMENTS_DIGEST_HOURS = 24


def choose(moderator, choice):
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:comments_notice_preference")
    page = client.get(url).text
    assert "Email about held comments" in page and "at most one a day" in page
    response = client.post(url, {"held_comments": choice}, follow=True)
    assert "Your email settings are saved." in response.text


def post(article, text, n, capture):
    with capture(execute=True):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            reverse("comments:post", args=[article.slug]),
            comment_data(article, text=text, email=f"r{n}@example.org"),
        )


def test_a_digest_replaces_one_email_per_comment(django_capture_on_commit_callbacks):
    each, digest, quiet = make_moderator("each"), make_moderator("digest"), make_moderator("quiet")
    choose(digest, "digest")
    choose(quiet, "none")
    article = make_article("Tidal power")
    post(article, "First held comment", 1, django_capture_on_commit_callbacks)
    post(article, "Second held comment", 2, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[each.email], [each.email]]  # only "each" per comment

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0  # chosen just now: the first digest comes a period later
    later = timezone.now() + timedelta(hours=24, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=later) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [digest.email] and "2 comments to moderate" in message.subject
    assert "First held comment" in message.body and "Second held comment" in message.body
    assert "https://blog.example.org" + reverse("admin:comments_notice_preference") in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(now=later + timedelta(hours=1)) == 0  # once per period
    assert len(mail.outbox) == 1


def test_no_digest_when_nothing_was_held(django_capture_on_commit_callbacks):
    moderator = make_moderator("digest")
    NoticePreference.objects.create(
        user=moderator, held_comments="digest", digest_sent_at=timezone.now() - timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert mail.outbox == []


def test_only_moderators_reach_the_settings_page(editor_client):
    response = editor_client.get(reverse("admin:comments_notice_preference"))
    assert response.status_code == 403


def test_each_due_digest_lists_what_was_held_since_the_one_before(
    django_capture_on_commit_callbacks,
):
    start = timezone.now()
    sent_just_now, never_sent = make_moderator("first"), make_moderator("second")
    NoticePreference.objects.create(
        user=sent_just_now, held_comments="digest", digest_sent_at=start
    )
    NoticePreference.objects.create(user=never_sent, held_comments="digest")
    article = make_article("Tidal power")
    for text, hours in [("Held yesterday", -23), ("Held two days ago", -48), ("Held later", 1)]:
        make_comment(
            article, status="pending", text=text, created_at=start + timedelta(hours=hours)
        )

    queries = []

    def digests(now):
        mail.outbox.clear()
        with (
            CaptureQueriesContext(connection) as run,
            django_capture_on_commit_callbacks(execute=True),
        ):
            count = send_digests(now=now)
        assert count == len(mail.outbox)  # the task's result, listed in the admin
        queries.append(len(run))
        return {tuple(m.to): m for m in mail.outbox}

    first = digests(start)[(never_sent.email,)]  # the other is not due: the next one may be
    assert first.subject.endswith("] 1 comment to moderate")
    since = timezone.localtime(start - timedelta(hours=24))
    assert first.body.startswith(
        f"1 comment held for moderation since {since:%-d %B %Y, %H:%M} (3 waiting in all).\n"
    )
    assert "Held yesterday" in first.body and "Held two days ago" not in first.body
    assert "Held later" not in first.body  # held after this digest's moment: in the next one
    assert "The moderation queue: https://blog.example.org/admin/comments/comment/\n" in first.body
    assert "You get this digest every 24 hours;" in first.body

    assert digests(start + timedelta(hours=2)) == {}  # both sent within the last 24 hours
    due = digests(start + timedelta(hours=24))  # exactly a period after the last one
    assert set(due) == {(sent_just_now.email,), (never_sent.email,)}
    for message in due.values():
        assert "Held later" in message.body and "Held yesterday" not in message.body
    for title in ("Wave power", "Wind power"):
        make_comment(make_article(title), status="pending", created_at=start + timedelta(hours=25))
    assert all("] 2 comments" in m.subject for m in digests(start + timedelta(hours=48)).values())
    assert queries[-1] == queries[-2]  # the same cost for one comment each or two
