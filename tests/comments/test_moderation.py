"""The moderation queue in the admin, the group permissions, and the moderation log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_article, make_comment, make_editor, make_moderator

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:comments_comment_changelist")
Status = Comment.Status


def moderate_url(comment, status):
    return reverse("admin:comments_comment_moderate", args=[comment.pk, status])


@pytest.fixture
def queue():
    article = make_article("Essay under discussion")
    older = make_comment(
        article,
        status=Status.PENDING,
        text="Older pending",
        author_email="older@example.org",
        author_url="https://older.example.org/",
        ip_address="203.0.113.4",
        held_reasons="Too many links: 3 (more than 2)\nHeld for review (site policy)",
        created_at=timezone.now() - timedelta(hours=2),
    )
    newer = make_comment(
        article, status=Status.PENDING, text="Newer pending", ip_address="192.0.2.8"
    )
    approved = make_comment(article, text="Already approved")
    spam = make_comment(
        article, status=Status.SPAM, text="Spammy", held_reasons="Honeypot field filled in"
    )
    return {"article": article, "older": older, "newer": newer, "approved": approved, "spam": spam}


def test_queue_opens_on_pending_newest_first_with_everything_a_moderator_needs(
    moderator_client, queue
):
    response = moderator_client.get(QUEUE)
    rows = list(response.context["cl"].result_list)
    assert rows == [queue["newer"], queue["older"]]
    text = response.text
    for expected in [
        "Older pending", "older@example.org", "https://older.example.org/", "203.0.113.4",
        "Too many links: 3 (more than 2)", "Held for review (site policy)",
        f'href="{queue["article"].get_absolute_url()}"', "Essay under discussion",
    ]:  # fmt: skip
        assert expected in text, expected
    assert "Already approved" not in text


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "approved"}, ["approved"]),
        ({"status": "spam"}, ["spam"]),
        ({"status": "all"}, ["approved", "spam", "newer", "older"]),
        ({"status": "all", "reason": "0"}, ["spam"]),
        ({"status": "all", "reason": "3"}, ["older"]),
        ({"status": "all", "q": "192.0.2.8"}, ["newer"]),
        ({"status": "all", "q": "older@example.org"}, ["older"]),
        ({"status": "all", "q": "Spammy"}, ["spam"]),
    ],
)
def test_queue_filters_and_search(moderator_client, queue, params, expected):
    response = moderator_client.get(QUEUE, params)
    assert {c.pk for c in response.context["cl"].result_list} == {queue[k].pk for k in expected}


def test_queue_filters_by_article_and_date(moderator_client, queue):
    other = make_comment(make_article(), status=Status.PENDING)
    by_article = moderator_client.get(QUEUE, {"article__id__exact": other.article_id})
    assert list(by_article.context["cl"].result_list) == [other]
    long_ago = make_comment(
        other.article,
        status=Status.PENDING,
        created_at=timezone.now() - timedelta(days=400),
    )
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    by_day = moderator_client.get(
        QUEUE,
        {"created_at__gte": str(today), "created_at__lt": str(today + timedelta(days=1))},
    )
    shown = set(by_day.context["cl"].result_list)
    assert other in shown and long_ago not in shown
    assert (
        f"?article__id__exact={other.article_id}" in by_article.text
        or other.article.title in by_article.text
    )


@pytest.mark.parametrize(
    "action, status",
    [
        ("approve", Status.APPROVED),
        ("mark_spam", Status.SPAM),
        ("remove", Status.REMOVED),
        ("restore_pending", Status.PENDING),
    ],
)
def test_bulk_actions_move_comments_and_record_who_and_when(
    moderator_client, queue, action, status
):
    chosen = [queue["older"], queue["spam"], queue["approved"]]
    # The changelist form posts back to its own URL, filters included.
    response = moderator_client.post(
        f"{QUEUE}?status=all",
        {"action": action, "_selected_action": [c.pk for c in chosen]},
        follow=True,
    )
    assert response.status_code == 200
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == status
    changed = [c for c in chosen if c.moderated_by is not None]
    assert changed and all(c.moderated_by.username == "moderator" for c in changed)
    assert all(c.actions.filter(status=status).exists() for c in changed)
    assert Comment.objects.filter(pk=queue["newer"].pk, status=Status.PENDING).exists()


def test_one_click_approve_and_spam_from_the_list(moderator_client, queue):
    page = moderator_client.get(QUEUE).text
    assert f'formaction="{moderate_url(queue["older"], Status.APPROVED)}"' in page
    assert f'formaction="{moderate_url(queue["older"], Status.SPAM)}"' in page

    response = moderator_client.post(
        moderate_url(queue["older"], Status.APPROVED), HTTP_REFERER=QUEUE
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    moderator_client.post(moderate_url(queue["newer"], Status.SPAM))
    queue["older"].refresh_from_db()
    queue["newer"].refresh_from_db()
    assert queue["older"].status == Status.APPROVED and queue["older"].moderated_at is not None
    assert queue["newer"].status == Status.SPAM


def test_change_page_has_one_click_buttons_and_history(moderator_client, queue):
    moderator_client.post(moderate_url(queue["older"], Status.SPAM))
    page = moderator_client.get(
        reverse("admin:comments_comment_change", args=[queue["older"].pk])
    ).text
    assert f'formaction="{moderate_url(queue["older"], Status.APPROVED)}"' in page
    assert moderate_url(queue["older"], Status.SPAM) not in page  # it is spam already
    assert "moderation history" in page.lower() and "Spam" in page


def test_moderation_updates_the_public_count_at_once(moderator_client, queue):
    article = queue["article"]
    assert "1 comment</h2>" in Client().get(article.get_absolute_url()).text
    moderator_client.post(moderate_url(queue["older"], Status.APPROVED))
    page = Client().get(article.get_absolute_url()).text
    assert "2 comments</h2>" in page and "Older pending" in page
    moderator_client.post(moderate_url(queue["approved"], Status.REMOVED))
    moderator_client.post(moderate_url(queue["older"], Status.SPAM))
    assert "No comments</h2>" in Client().get(article.get_absolute_url()).text


def test_nothing_is_ever_deleted_by_moderation(moderator_client, queue, admin_client):
    for client in (moderator_client, admin_client):
        page = client.get(QUEUE, {"status": "all"})
        assert "delete_selected" not in page.text
        delete = reverse("admin:comments_comment_delete", args=[queue["spam"].pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Comment.objects.count() == 4


def test_one_click_needs_post_and_a_valid_status(moderator_client, queue):
    assert moderator_client.get(moderate_url(queue["older"], Status.APPROVED)).status_code == 405
    # An unknown status is bad input (400), not a permission problem.
    assert moderator_client.post(moderate_url(queue["older"], "deleted")).status_code == 400
    queue["older"].refresh_from_db()
    assert queue["older"].status == Status.PENDING


def test_admin_index_and_article_admin_show_pending_count(moderator_client, admin_client, queue):
    assert (
        "<strong>2</strong> comments pending moderation"
        in moderator_client.get(reverse("admin:index")).text
    )
    articles = admin_client.get(reverse("admin:articles_article_changelist")).text
    assert "<strong>2</strong> comments pending moderation" in articles
    assert f"?article__id__exact={queue['article'].pk}" in articles


def test_moderators_group_moderates_and_nothing_else(queue):
    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("comments", "change_comment") in codenames
    assert {app for app, _ in codenames} == {"comments"}
    assert ("comments", "delete_comment") not in codenames

    client = Client()
    client.force_login(make_moderator("mod2"))
    assert client.get(QUEUE).status_code == 200
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    article_change = reverse("admin:articles_article_change", args=[queue["article"].pk])
    assert client.get(article_change).status_code == 403


def test_editors_cannot_moderate(queue):
    client = Client()
    client.force_login(make_editor("ed2"))
    assert client.get(QUEUE).status_code == 403
    assert client.post(moderate_url(queue["older"], Status.APPROVED)).status_code == 403
    queue["older"].refresh_from_db()
    assert queue["older"].status == Status.PENDING


def test_anonymous_cannot_moderate(client, queue):
    response = client.post(moderate_url(queue["older"], Status.APPROVED))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    queue["older"].refresh_from_db()
    assert queue["older"].status == Status.PENDING


def test_blocklist_is_editable_by_moderators(moderator_client):
    response = moderator_client.post(
        reverse("admin:comments_blocklistentry_add"),
        {"kind": "domain", "value": "@Spam.Example", "note": "seen in the queue"},
    )
    assert response.status_code == 302
    from comments.models import BlocklistEntry

    assert BlocklistEntry.objects.get().value == "spam.example"
