"""Edge cases found in review: races, odd headers, deep replies, and honest notices."""

import re
from html import unescape

import feedparser
import pytest
from django.core import mail
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from comments import notifications
from comments.models import Comment
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db


def post(client, article, meta=None, **data):
    url = reverse("comments:post", args=[article.slug])
    return client.post(url, comment_data(article, **data), **(meta or {}))


def test_forms_sent_back_with_errors_do_not_count_against_the_limit(client, settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = make_article()
    for _ in range(3):  # the reader fixes one mistake after another
        assert post(client, article, text="first", email="not an address").status_code == 200
    assert post(client, article, text="first").status_code == 302
    assert post(client, article, text="second").status_code == 429
    assert list(Comment.objects.values_list("text", flat=True)) == ["first"]


def test_comment_feed_never_carries_reader_html(client):
    article = make_article()
    make_comment(article, text='<img src=x onerror="alert(1)"> and <script>x()</script>')
    parsed = feedparser.parse(client.get(reverse("comments:feed")).content)
    summary = parsed.entries[0].summary
    assert "<img" not in summary and "<script" not in summary
    assert "&lt;img" in summary


def test_website_with_control_characters_is_refused(client):
    article = make_article()
    response = post(client, article, website="https://ex\x01ample.com/")
    assert response.status_code == 200 and not Comment.objects.exists()


@pytest.mark.parametrize("value", ["²", "-1", "1e3", "9" * 40, "<b>"])
def test_odd_reply_targets_are_ignored(client, value):
    article = make_article()
    assert client.get(article.get_absolute_url(), {"replyto": value}).status_code == 200


def test_invalid_forwarded_address_falls_back_to_the_connection(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    article = make_article()
    meta = {"REMOTE_ADDR": "192.0.2.44", "HTTP_X_FORWARDED_FOR": "not-an-ip"}
    assert post(client, article, meta=meta).status_code == 302
    assert Comment.objects.get().ip_address == "192.0.2.44"


def test_control_bytes_in_the_user_agent_are_dropped(client):
    article = make_article()
    response = post(client, article, meta={"HTTP_USER_AGENT": "Bot\x00/1.0\x07"})
    assert response.status_code == 302
    assert Comment.objects.get().user_agent == "Bot/1.0"


def test_length_limit_counts_a_line_break_once(client, settings):
    settings.COMMENTS_MAX_LENGTH = 10
    article = make_article()
    assert post(client, article, text="12345\r\n7890").status_code == 302
    assert Comment.objects.get().text == "12345\n7890"


def test_reply_below_the_deepest_level_notifies_the_person_replied_to(
    client, moderator_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COMMENTS_MAX_DEPTH = 2
    article = make_article()
    top = make_comment(article, author_email="top@example.org", notify_replies=True)
    deep = make_comment(article, parent=top, author_email="deep@example.org", notify_replies=True)
    post(client, article, parent=deep.pk, text="Answering deep", email="x@example.org")
    reply = Comment.objects.get(text="Answering deep")
    assert reply.parent == top and reply.in_reply_to == deep
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("admin:comments_comment_moderate", args=[reply.pk, "approved"])
        )
    assert [m.to for m in mail.outbox] == [["deep@example.org"]]


def test_no_reply_notice_for_replying_to_yourself(
    moderator_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    article = make_article()
    mine = make_comment(article, author_email="me@example.org", notify_replies=True)
    again = make_comment(
        article, parent=mine, in_reply_to=mine, author_email="ME@example.org", status="pending"
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("admin:comments_comment_moderate", args=[again.pk, "approved"])
        )
    assert mail.outbox == []


def test_repeating_a_status_records_nothing_new(moderator_client, admin_user):
    comment = make_comment(make_article(), status="pending")
    url = reverse("admin:comments_comment_moderate", args=[comment.pk, "approved"])
    moderator_client.post(url)
    admin = Client()
    admin.force_login(admin_user)
    admin.post(url)
    comment.refresh_from_db()
    assert comment.moderated_by.username == "moderator"
    assert comment.actions.count() == 1


@pytest.mark.parametrize(
    "policy, note",
    [
        ("hold_all", "Comments are read by a moderator before they appear."),
        ("hold_first_time", "A first comment is read by a moderator before it appears."),
        ("approve_all", None),
    ],
)
def test_the_form_says_truthfully_what_happens_to_a_comment(client, settings, policy, note):
    settings.COMMENTS_MODERATION = policy
    html = client.get(make_article().get_absolute_url()).text
    if note:
        assert note in html
    else:
        assert "moderator" not in html


def test_no_comment_form_on_a_draft_preview(editor_client):
    from articles.models import Article

    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    html = editor_client.get(draft.get_absolute_url()).text
    assert 'name="text"' not in html and "once the essay is published" in html


def kept(html: str) -> dict:
    """What a page's comment form holds, as the browser would post it again."""
    start = html.index('<form method="post"')
    form = html[start : html.index("</form>", start)]
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'<input type="[a-z]+" name="(\w+)" value="([^"]*)"', form)
    }
    box = re.search(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', form, re.S)
    fields["text"] = unescape(box[1]) if box else ""
    fields["notify_replies"] = "on" if 'id="id_notify_replies" checked' in form else ""
    return fields


TYPED = {
    "name": "Ana Lima",
    "email": "ana@example.org",
    "website": "https://ana.example/a?b=1&c=2",
    "text": "A long reply,\nwith <angle> & ampersands.",
    "notify_replies": "on",
}


def test_a_429_keeps_everything_typed_and_its_repost_works(client, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = make_article()
    top = make_comment(article, author_name="Marek")
    assert post(client, article, text="The one allowed").status_code == 302
    refused = post(client, article, parent=top.pk, **TYPED)
    assert refused.status_code == 429
    again = kept(refused.text)
    assert {name: again[name] for name in TYPED} == TYPED
    assert again["parent"] == str(top.pk) and "Replying to" in refused.text
    assert 'id="comment-errors"' not in refused.text  # read from the top: what happened, first

    cache.clear()  # the limit's window has passed
    resent = client.post(reverse("comments:post", args=[article.slug]), again)
    assert resent.status_code == 302
    reply = Comment.objects.get(parent=top)
    assert (reply.author_name, reply.author_email, reply.author_url, reply.text) == (
        TYPED["name"],
        TYPED["email"],
        TYPED["website"],
        TYPED["text"],
    )
    assert reply.notify_replies


def fail_the_save(monkeypatch):
    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(notifications, "notify_moderators", connection_lost)  # after the INSERT


def test_a_503_keeps_everything_typed(client, monkeypatch):
    article = make_article()
    fail_the_save(monkeypatch)
    failed = post(client, article, **TYPED)
    assert failed.status_code == 503 and not Comment.objects.exists()
    again = kept(failed.text)
    assert {name: again[name] for name in TYPED} == TYPED


def test_a_save_that_failed_does_not_count_against_the_rate_limit(client, settings, monkeypatch):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = make_article()
    with monkeypatch.context() as patch:
        fail_the_save(patch)
        for _ in range(3):  # the database keeps failing; the reader keeps trying
            assert post(client, article, text="Third time lucky").status_code == 503
    assert post(client, article, text="Third time lucky").status_code == 302
    assert post(client, article, text="One more").status_code == 429  # the limit still holds


def test_a_form_that_cannot_be_verified_keeps_the_text_in_a_fresh_form(client):
    article = make_article()
    refused = post(client, article, token="made-with-an-old-secret-key", **TYPED)
    assert refused.status_code == 400
    again = kept(refused.text)
    assert again["text"] == TYPED["text"] and again["name"] == TYPED["name"]
    assert client.post(reverse("comments:post", args=[article.slug]), again).status_code == 302


def test_a_closed_essay_hands_the_text_back_even_from_a_form_with_errors(client):
    article = make_article(allow_comments=False)
    refused = post(client, article, text="Kept though the email is wrong", email="nope")
    assert refused.status_code == 403
    assert "Kept though the email is wrong</textarea>" in refused.text


def test_an_unverifiable_form_is_a_400_whatever_else_is_wrong_with_it(client):
    article = make_article()
    refused = post(client, article, token="garbage", email="nope", text="Mine, kept")
    assert refused.status_code == 400 and "could not be verified" in refused.text
    assert "Mine, kept</textarea>" in refused.text and not Comment.objects.exists()


def test_comments_closed_while_typing_hand_the_text_back(client):
    article = make_article(allow_comments=False)
    refused = post(client, article, text="Typed before it closed & <kept>")
    assert refused.status_code == 403
    assert "Typed before it closed &amp; &lt;kept&gt;</textarea>" in refused.text
    assert "<form" not in refused.text[refused.text.index('id="post-comment"') :]
