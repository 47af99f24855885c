"""Emails: moderators hear of held comments; commenters who asked hear of approved replies."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.notifications import unsubscribe_token
from core.models import OutgoingEmail
from core.worker import sweep_outbox as retry_due_emails
from tests.factories import comment_data, make_article, make_comment, make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://blog.example.org"


def post(client, article, **data):
    return client.post(reverse("comments:post", args=[article.slug]), comment_data(article, **data))


def test_moderators_get_an_email_per_held_comment(client, django_capture_on_commit_callbacks):
    make_moderator("mod")
    article = make_article("Bus lanes")
    long_text = "Interesting point. " * 40 + "THE-END-OF-THE-TEXT"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, text=long_text)
    comment = Comment.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mod@example.org"]
    assert "Bus lanes" in message.subject
    admin_url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert f"https://blog.example.org{admin_url}" in message.body
    assert "Held for review (site policy)" in message.body
    assert "Interesting point." in message.body
    assert "THE-END-OF-THE-TEXT" not in message.body  # an excerpt, never the full text


def test_no_email_for_spam_or_approved_comments(
    client, settings, django_capture_on_commit_callbacks
):
    make_moderator("mod")
    settings.COMMENTS_MODERATION = "approve_all"
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, text="Fine")
        post(client, article, text="Bot", leave_blank="x")
    assert mail.outbox == []


def test_extra_notify_addresses_from_settings(client, settings, django_capture_on_commit_callbacks):
    settings.COMMENTS_NOTIFY_EMAILS = ["owner@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        post(client, make_article())
    assert mail.outbox[0].to == ["owner@example.org"]


def test_email_failure_never_loses_the_comment_nor_the_email(
    client, settings, caplog, django_capture_on_commit_callbacks
):
    make_moderator("mod")
    settings.EMAIL_BACKEND = "tests.comments.failing_backend.FailingBackend"
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = post(client, make_article(), text="Still here")
    assert response.status_code == 302
    assert Comment.objects.filter(text="Still here").exists()
    email = OutgoingEmail.objects.get()
    assert email.status == "queued" and email.attempts == 1 and email.sent_at is None
    assert "SMTP server unreachable" in email.last_error and "retrying" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        retry_due_emails()
    assert len(mail.outbox) == 1 and "Still here" in mail.outbox[0].body
    assert OutgoingEmail.objects.get().status == "sent"


@pytest.fixture
def thread():
    article = make_article("Grid essay")
    parent = make_comment(article, author_email="asker@example.org", notify_replies=True)
    return article, parent


def approve(moderator_client, comment):
    return moderator_client.post(
        reverse("admin:comments_comment_moderate", args=[comment.pk, "approved"])
    )


def test_reply_notice_only_once_the_reply_is_approved(
    client, moderator_client, thread, django_capture_on_commit_callbacks
):
    article, parent = thread
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, parent=parent.pk, text="A reply", email="replier@example.org")
    reply = Comment.objects.get(text="A reply")
    assert [m.to for m in mail.outbox] == [["moderator@example.org"]]  # held: moderators only
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator_client, reply)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["asker@example.org"]
    assert "Grid essay" in message.subject and "A reply" in message.body
    token = unsubscribe_token(parent)
    unsubscribe_url = f"https://blog.example.org{reverse('comments:unsubscribe', args=[token])}"
    assert unsubscribe_url in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Approving again (after a round trip through pending) sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("admin:comments_comment_moderate", args=[reply.pk, "pending"])
        )
        approve(moderator_client, reply)
    assert mail.outbox == []


def moderate(moderator_client, comment, status):
    return moderator_client.post(
        reverse("admin:comments_comment_moderate", args=[comment.pk, status])
    )


def test_a_reply_notice_waits_so_an_undo_can_recall_it(
    moderator_client, thread, settings, django_capture_on_commit_callbacks
):
    """A moderator who approves a reply by mistake and undoes it (u on the desk) within the
    wait: the commenter it answers never gets the email; approved again, it goes once."""
    settings.COMMENTS_REPLY_NOTICE_DELAY_SECONDS = 120
    article, parent = thread
    reply = make_comment(article, parent=parent, status="pending", text="Rude words")
    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, reply, "approved")
    notice = OutgoingEmail.objects.get(key=f"reply:{reply.pk}")
    assert notice.next_attempt_at > timezone.now() + timedelta(seconds=100)
    with django_capture_on_commit_callbacks(execute=True):
        retry_due_emails()
    assert mail.outbox == []  # not before its time

    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, reply, "pending")  # the undo
    assert not OutgoingEmail.objects.filter(key=f"reply:{reply.pk}").exists()
    with django_capture_on_commit_callbacks(execute=True):
        retry_due_emails(now=timezone.now() + timedelta(hours=1))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, reply, "approved")
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        retry_due_emails()  # the wait is over
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]


def test_a_reply_notice_already_sent_is_not_sent_again_after_an_undo(
    moderator_client, thread, django_capture_on_commit_callbacks
):
    article, parent = thread
    reply = make_comment(article, parent=parent, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        moderate(moderator_client, reply, "approved")
        moderate(moderator_client, reply, "spam")
        moderate(moderator_client, reply, "approved")
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]


def test_no_reply_notice_when_not_asked_for(moderator_client, django_capture_on_commit_callbacks):
    article = make_article()
    parent = make_comment(article, notify_replies=False)
    reply = make_comment(article, parent=parent, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator_client, reply)
    assert mail.outbox == []


def unsubscribe_url(comment) -> str:
    return reverse("comments:unsubscribe", args=[unsubscribe_token(comment)])


def test_unsubscribe_link_asks_first_and_the_button_unsubscribes(
    thread, moderator_client, django_capture_on_commit_callbacks
):
    """Mail scanners open every link: a GET only shows the question; the button answers it."""
    article, parent = thread
    url = unsubscribe_url(parent)
    reader = Client(enforce_csrf_checks=True)  # no login, no cookie, no JavaScript
    for _ in range(2):
        page = reader.get(url)
        assert page.status_code == 200 and "Stop reply emails?" in page.text
    parent.refresh_from_db()
    assert parent.notify_replies is True
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    assert form and form.group(1) == url
    button = re.search(r'<button type="submit"[^>]* name="([^"]+)" value="([^"]+)"', form.group(2))
    assert "asker@example.org" not in page.text and "<script" not in form.group(2)
    assert "no-store" in page["Cache-Control"]

    done = reader.post(url, {button.group(1): button.group(2)})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    assert "asker@example.org" not in done.text
    parent.refresh_from_db()
    assert parent.notify_replies is False
    assert "already unsubscribed" in reader.get(url).text

    reply = make_comment(article, parent=parent, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        approve(moderator_client, reply)
    assert mail.outbox == []


def test_a_post_without_the_one_click_field_does_not_unsubscribe(thread):
    _, parent = thread
    response = Client().post(unsubscribe_url(parent), {"something": "else"})
    assert response.status_code == 200 and "Stop reply emails?" in response.text
    parent.refresh_from_db()
    assert parent.notify_replies is True


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_unsubscribe_by_post_from_the_mail_client(thread, encoding):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, with no cookie or token."""
    _, parent = thread
    client = Client(enforce_csrf_checks=True)
    if encoding == "urlencoded":
        response = client.post(
            unsubscribe_url(parent),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(unsubscribe_url(parent), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    parent.refresh_from_db()
    assert parent.notify_replies is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_forged_unsubscribe_token_is_refused(thread, method):
    _, parent = thread
    token = unsubscribe_token(parent)
    for forged in [token[:-3] + "abc", token.split(":")[0], "x", "..:..:.."]:
        url = reverse("comments:unsubscribe", args=[forged])
        response = getattr(Client(), method)(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
        assert (
            "This link is not valid" in response.text
            and "Unsubscribe</button>" not in response.text
        )
    parent.refresh_from_db()
    assert parent.notify_replies is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_links_expire_after_a_year(thread, method):
    _, parent = thread
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=366), tick=False):
        old = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    with time_machine.travel(now - timedelta(days=364), tick=False):
        recent = reverse("comments:unsubscribe", args=[unsubscribe_token(parent)])
    response = getattr(Client(), method)(old, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "This link has expired" in response.text and "Unsubscribe</button>" not in response.text
    parent.refresh_from_db()
    assert parent.notify_replies is True
    assert "Stop reply emails?" in Client().get(recent).text


def test_moderator_mail_links_the_essay_and_skips_moderators_without_an_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://blog.example.org/"  # a trailing slash must not double up
    make_moderator("mod")
    nameless = make_moderator("nameless")
    nameless.email = ""
    nameless.save()
    article = make_article("Tram depots")
    text = "x" * 300
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article, text=text)
    assert [message.to for message in mail.outbox] == [["mod@example.org"]]
    body = mail.outbox[0].body
    assert f"https://blog.example.org{article.get_absolute_url()}" in body
    assert "https://blog.example.org//" not in body
    assert "x" * 199 + "…" in body and "x" * 200 not in body  # a 200-character excerpt


def test_no_moderator_mail_when_no_moderator_has_an_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_NOTIFY_EMAILS = []
    nameless = make_moderator("nameless")
    nameless.email = ""
    nameless.save()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, make_article(), text="Held, and nobody to tell.")
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
