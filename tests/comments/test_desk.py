"""The moderation desk: the comment changelist as cards, one-click and JSON moderation, undo."""

import json
import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationAction
from tests.factories import make_article, make_comment, make_editor, make_moderator
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:comments_comment_changelist")
JSON = {"HTTP_ACCEPT": "application/json"}


def moderate_url(comment_or_pk, status):
    pk = getattr(comment_or_pk, "pk", comment_or_pk)
    return reverse("admin:comments_comment_moderate", args=[pk, status])


def card_html(page: str, comment) -> str:
    """The markup of one comment's card."""
    match = re.search(
        rf'<article class="desk-card" id="desk-card-{comment.pk}".*?</article>', page, re.S
    )
    assert match, f"no card for comment {comment.pk}"
    return match.group(0)


def history(card: str, which: str) -> str:
    match = re.search(rf'<span class="desk-label">{which}</span>(.*?)</li>', card, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def desk():
    article = make_article("Essay under discussion")
    answered = make_comment(
        article, author_name="Priya", text="The first thought, which runs on for a good while."
    )
    # Kim: two approved and one spam under one email, earlier, from one address.
    for status in ["approved", "approved", "spam"]:
        make_comment(
            article, status=status, author_email="kim@example.org", ip_address="203.0.113.10"
        )
    # Someone else on Kim's network: counts for the IP address, not for Kim's email.
    make_comment(
        article, status="removed", author_email="lee@example.org", ip_address="203.0.113.10"
    )
    # A third commenter, elsewhere: nothing of theirs may be counted for Kim.
    for status in ["approved", "removed", "removed"]:
        make_comment(article, status=status, author_email="max@example.org", ip_address="192.0.2.7")
    kim = make_comment(
        article,
        status="pending",
        parent=answered,
        in_reply_to=answered,
        author_name="Kim",
        author_email="kim@example.org",
        author_url="https://kim.example.org/",
        ip_address="203.0.113.10",
        text="First paragraph.\n\nSecond paragraph, with every word kept " + "and more " * 40,
        held_reasons="Too many links: 3 (more than 2)\nHeld for review (site policy)",
    )
    max_ = make_comment(
        article,
        status="pending",
        author_name="Max",
        author_email="max@example.org",
        ip_address="192.0.2.7",
        text="<script>alert('x')</script> & friends",
        created_at=timezone.now() - timedelta(minutes=5),
    )
    return {"article": article, "answered": answered, "kim": kim, "max": max_}


def test_a_card_shows_the_full_text_reply_details_and_reasons(moderator_client, desk):
    page = moderator_client.get(QUEUE).text
    card = card_html(page, desk["kim"])
    assert "<p>First paragraph.</p>" in card
    assert ("and more " * 40).strip() in card  # the whole text, not an excerpt
    assert (
        f'href="{desk["article"].get_absolute_url()}"' in card and "Essay under discussion" in card
    )
    assert "In reply to <strong><bdi>Priya</bdi></strong>" in card
    assert 'class="desk-text" dir="auto"' in card  # Arabic or Hebrew reads right to left
    assert "The first thought, which runs on for a good while." in card
    for detail in ["kim@example.org", "https://kim.example.org/", "203.0.113.10", "Pending"]:
        assert detail in card, detail
    chips = re.findall(r'<li class="desk-chip[^"]*">(.*?)</li>', card)
    assert chips == ["Too many links: 3 (more than 2)", "Held for review (site policy)"]
    change = reverse("admin:comments_comment_change", args=[desk["kim"].pk])
    assert f'href="{change}"' in card


def test_reader_text_is_never_rendered_as_html(moderator_client, desk):
    card = card_html(moderator_client.get(QUEUE).text, desk["max"])
    assert "<script>" not in card
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; friends" in card


def test_history_counts_each_email_and_each_ip_address_apart(moderator_client, desk):
    page = moderator_client.get(QUEUE).text
    kim = card_html(page, desk["kim"])
    assert history(kim, "This email") == "2 approved, 1 spam, 0 removed"
    assert history(kim, "This IP") == "2 approved, 1 spam, 1 removed"
    max_ = card_html(page, desk["max"])
    assert history(max_, "This email") == "1 approved, 0 spam, 2 removed"
    assert history(max_, "This IP") == "1 approved, 0 spam, 2 removed"


def test_the_page_costs_the_same_queries_for_3_or_30_comments(
    moderator_client, desk, django_assert_max_num_queries
):
    few = count_queries(moderator_client, QUEUE)
    article = make_article()
    parent = make_comment(article)
    for n in range(28):
        make_comment(
            article,
            status="pending",
            parent=parent if n % 2 else None,
            in_reply_to=parent if n % 2 else None,
            ip_address=f"198.51.100.{n}",
            held_reasons="Posted too fast: 1 s",
        )
    with django_assert_max_num_queries(few):
        response = moderator_client.get(QUEUE)
    assert len(response.context["cards"]) == 30


@pytest.mark.parametrize(
    "status, said",
    [
        ("approved", "Approved comment by Kim."),
        ("spam", "Marked comment by Kim as spam."),
        ("removed", "Removed comment by Kim."),
    ],
)
def test_one_click_without_javascript_redirects_back_with_a_message(
    moderator_client, desk, status, said
):
    back = f"{QUEUE}?status=pending&q=kim"
    response = moderator_client.post(moderate_url(desk["kim"], status), HTTP_REFERER=back)
    assert response.status_code == 302 and response["Location"] == back
    page = moderator_client.get(back).text
    assert said in page  # who and what, as the desk's script says it
    desk["kim"].refresh_from_db()
    assert desk["kim"].status == status and desk["kim"].moderated_by.username == "moderator"
    action = ModerationAction.objects.get(comment=desk["kim"])
    assert action.status == status and action.moderator.username == "moderator"


def test_every_card_offers_the_moves_its_status_allows(moderator_client, desk):
    desk["max"].status = "spam"
    desk["max"].save()
    page = moderator_client.get(QUEUE, {"status": "all"}).text
    kim, max_ = card_html(page, desk["kim"]), card_html(page, desk["max"])

    def visible(card):
        buttons = re.findall(r'<button type="submit"[^>]*>[^<]*</button>', card)
        return [re.search(r">([^<]*)<", b).group(1) for b in buttons if " hidden>" not in b]

    assert visible(kim) == ["Approve", "Spam", "Remove"]
    assert visible(max_) == ["Approve", "Remove", "Back to pending"]
    assert f'formaction="{moderate_url(desk["kim"], "approved")}"' in kim


def test_the_script_moderates_with_json_and_undo_restores_the_previous_status(
    moderator_client, desk
):
    kim = desk["kim"]
    response = moderator_client.post(moderate_url(kim, "approved"), **JSON)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "comment": kim.pk,
        "status": "approved",
        "label": "Approved",
        "previous": "pending",
        "changed": True,
        "message": "Approved comment by Kim.",
    }
    kim.refresh_from_db()
    assert kim.status == "approved"
    assert "Kim" in Client().get(desk["article"].get_absolute_url()).text

    undo = moderator_client.post(moderate_url(kim, "pending"), **JSON)
    assert json.loads(undo.content)["previous"] == "approved"
    kim.refresh_from_db()
    assert kim.status == "pending"
    assert list(kim.actions.values_list("status", flat=True)) == ["pending", "approved"]
    # The page the script stays on shows its own news: no stale message on the next load.
    assert "marked" not in moderator_client.get(QUEUE).text

    again = moderator_client.post(moderate_url(kim, "pending"), **JSON)
    assert json.loads(again.content)["changed"] is False


def test_bad_requests_get_clear_json_errors(moderator_client, desk):
    missing = moderator_client.post(moderate_url(10**12, "approved"), **JSON)
    assert missing.status_code == 404 and "error" in json.loads(missing.content)
    unknown = moderator_client.post(moderate_url(desk["kim"], "deleted"), **JSON)
    assert unknown.status_code == 400 and "deleted" in json.loads(unknown.content)["error"]
    assert moderator_client.post(moderate_url(10**12, "approved")).status_code == 404
    assert moderator_client.post(moderate_url(10**30, "approved"), **JSON).status_code == 404
    assert moderator_client.get(moderate_url(desk["kim"], "approved"), **JSON).status_code == 405
    desk["kim"].refresh_from_db()
    assert desk["kim"].status == "pending"


def test_editors_without_the_moderators_group_get_403(desk):
    client = Client()
    client.force_login(make_editor("ed3"))
    assert client.get(QUEUE).status_code == 403
    assert client.post(moderate_url(desk["kim"], "approved")).status_code == 403
    refused = client.post(moderate_url(desk["kim"], "approved"), **JSON)
    assert refused.status_code == 403 and "error" in json.loads(refused.content)
    desk["kim"].refresh_from_db()
    assert desk["kim"].status == "pending"


def test_nothing_of_the_desk_is_reachable_anonymously(client, desk):
    page = client.get(QUEUE)
    assert page.status_code == 302 and reverse("admin:login") in page["Location"]
    for headers in ({}, JSON):
        response = client.post(moderate_url(desk["kim"], "approved"), **headers)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    desk["kim"].refresh_from_db()
    assert desk["kim"].status == "pending"
    assert "kim@example.org" not in client.get(QUEUE, follow=True).text


def test_the_desk_loads_its_own_script_and_styles_and_the_change_form_does_not(
    moderator_client, desk
):
    page = moderator_client.get(QUEUE).text
    assert re.search(r'<script src="/static/js/desk\.js[^"]*" defer>', page)
    assert re.search(r'<link rel="stylesheet" href="/static/css/desk\.css', page)
    assert 'id="desk-live" role="status" aria-live="polite"' in page
    assert 'id="action-toggle"' in page and 'name="_selected_action"' in page
    change = moderator_client.get(reverse("admin:comments_comment_change", args=[desk["kim"].pk]))
    assert "desk.js" not in change.text and "desk-card" not in change.text


def test_a_move_that_changes_nothing_says_so(moderator_client, desk):
    moderator_client.post(moderate_url(desk["kim"], "spam"), **JSON)
    again = json.loads(moderator_client.post(moderate_url(desk["kim"], "spam"), **JSON).content)
    assert again["changed"] is False and again["previous"] == "spam"
    assert again["message"] == "Comment by Kim was already spam."


def test_the_buttons_and_the_key_legend_share_their_keys(moderator_client, desk):
    page = moderator_client.get(QUEUE).text
    card = card_html(page, desk["kim"])
    for label, key in [("Approve", "a"), ("Spam", "s"), ("Remove", "r")]:
        assert re.search(
            rf'<button [^>]*data-key="{key}" aria-keyshortcuts="{key}"[^>]*>{label}</button>', card
        ), label
    legend = re.search(r'<p class="desk-keys" id="desk-keys" hidden>(.*?)</p>', page).group(1)
    assert re.sub(r"<[^>]+>", "", legend) == (
        "Keys: j/k next/previous · a approve · s spam · r remove · u undo"
    )


def test_staff_who_may_only_view_comments_see_cards_but_no_buttons_or_keys(desk):
    viewer = get_user_model().objects.create_user("viewer", password="pw-viewer-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client = Client()
    client.force_login(viewer)
    page = client.get(QUEUE)
    assert page.status_code == 200
    card = card_html(page.text, desk["kim"])
    assert "First paragraph." in card
    assert "<button" not in page.text.split('id="result_list"')[1]
    assert "Approve" not in card and "data-key" not in card
    assert 'id="desk-keys"' not in page.text
    assert 'name="_selected_action"' not in page.text
    refused = client.post(moderate_url(desk["kim"], "approved"), **JSON)
    assert refused.status_code == 403
    desk["kim"].refresh_from_db()
    assert desk["kim"].status == "pending"


def wait_for_a_lock_wait(timeout=10):
    """Until some session of this database waits on a row lock (PostgreSQL)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("no request waited on the comment's lock")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "other_moves_it_to, expected",
    [
        (
            "spam",
            {"previous": "spam", "changed": True, "message": "Approved comment by Kim."},
        ),
        (
            "approved",
            {
                "previous": "approved",
                "changed": False,
                "message": "Comment by Kim was already approved.",
            },
        ),
    ],
)
def test_with_two_moderators_at_once_undo_restores_what_this_one_replaced(
    other_moves_it_to, expected
):
    """A second moderator's change, committed while this request waits for the row, is the
    status this request reports as previous (and so the one undo puts back)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks that make a request wait exist on PostgreSQL only")
    kim = make_comment(make_article(), status="pending", author_name="Kim")
    other = make_moderator("other")
    client = Client()
    client.force_login(make_moderator())
    locked, release = threading.Event(), threading.Event()
    answer = {}

    def other_moderator():
        try:
            with transaction.atomic():
                Comment.objects.select_for_update().get(pk=kim.pk)
                Comment.objects.filter(pk=kim.pk).update(
                    status=other_moves_it_to, moderated_by=other
                )
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def this_moderator():
        try:
            answer["response"] = client.post(moderate_url(kim, "approved"), **JSON)
        finally:
            connection.close()

    first = threading.Thread(target=other_moderator)
    first.start()
    assert locked.wait(10)
    second = threading.Thread(target=this_moderator)
    second.start()
    try:
        wait_for_a_lock_wait()
    finally:
        release.set()
        first.join(10)
        second.join(10)
    data = json.loads(answer["response"].content)
    assert {k: data[k] for k in expected} == expected
    kim.refresh_from_db()
    assert kim.status == "approved"
