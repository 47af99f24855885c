"""The built-in spam rules: each one fires, and its reason is stored for the moderator."""

import re

import pytest
from django.urls import reverse

from comments.models import BlocklistEntry, Comment
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


def post(client, article, seconds_ago=60, **data):
    url = reverse("comments:post", args=[article.slug])
    meta = {"REMOTE_ADDR": data.pop("ip", "192.0.2.1")}
    return client.post(url, comment_data(article, seconds_ago=seconds_ago, **data), **meta)


@pytest.fixture
def approve_all(settings):
    settings.COMMENTS_MODERATION = "approve_all"


def test_hold_all_is_the_default_policy(client, article):
    post(client, article)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.reasons == ["Held for review (site policy)"]


def test_hold_first_time_approves_known_commenters(client, article, settings):
    settings.COMMENTS_MODERATION = "hold_first_time"
    post(client, article, email="new@example.org", text="First")
    first = Comment.objects.get(text="First")
    assert first.status == Comment.Status.PENDING
    assert first.reasons == ["First comment from this email address"]

    make_comment(article, author_email="Known@Example.org")
    post(client, article, email="known@example.org", text="Welcome back")
    assert Comment.objects.get(text="Welcome back").status == Comment.Status.APPROVED


def test_approve_all_still_applies_the_spam_rules(client, article, approve_all):
    post(client, article, text="Clean")
    post(client, article, text="Links http://a.example http://b.example http://c.example")
    assert Comment.objects.get(text="Clean").status == Comment.Status.APPROVED
    linky = Comment.objects.get(text__startswith="Links")
    assert linky.status == Comment.Status.PENDING
    assert linky.reasons == ["Too many links: 3 (more than 2)"]


def test_honeypot_filled_in_is_spam(client, article, approve_all):
    response = post(client, article, leave_blank="http://bot.example")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.SPAM
    assert comment.reasons == ["Honeypot field filled in"]


def test_posting_too_fast_is_held_with_the_time_taken(client, article, approve_all):
    post(client, article, seconds_ago=1)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert re.fullmatch(
        r"Posted too fast: [12] s after the form loaded \(minimum 3 s\)", comment.reasons[0]
    )


def test_form_left_open_too_long_is_refused_with_a_fresh_form(client, article):
    response = post(client, article, seconds_ago=25 * 3600, text="Stale but kept")
    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert "open for too long" in response.text
    assert "Stale but kept</textarea>" in response.text
    new_token = response.context["comment_form"].data["token"]
    assert post(client, article, token=new_token, text="Stale but kept").status_code == 302


@pytest.mark.parametrize("token", ["", "garbage", "eyJhIjoxLCJ0IjoxfQ:1abc:forged"])
def test_tampered_token_is_refused(client, article, token):
    response = post(client, article, token=token)
    assert response.status_code == 400
    assert "could not be verified" in response.text
    assert not Comment.objects.exists()


def test_token_from_another_article_is_refused(client, article):
    other = make_article()
    data = comment_data(other)
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 400


def test_exact_duplicate_of_a_recent_comment_is_refused(client, article):
    post(client, article, text="Same words")
    response = post(client, article, text="Same words")
    assert response.status_code == 200
    assert "You have already posted this comment." in response.text
    assert Comment.objects.count() == 1


def test_rate_limit_per_address_answers_429_and_stores_nothing(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = "3/10m"
    for n in range(3):
        assert post(client, article, text=f"Comment {n}", ip="198.51.100.1").status_code == 302
    refused = post(client, article, text="One too many", ip="198.51.100.1")
    assert refused.status_code == 429
    assert "Too many comments" in refused.text and int(refused["Retry-After"]) > 0
    assert not Comment.objects.filter(text="One too many").exists()
    assert post(client, article, text="Other reader", ip="198.51.100.2").status_code == 302


def test_a_refused_comments_form_still_knows_when_it_was_opened(client, article, settings):
    settings.COMMENTS_MODERATION, settings.COMMENTS_RATE_LIMIT = "approve_all", "1/10m"
    assert post(client, article, text="First", ip="198.51.100.1").status_code == 302
    refused = post(client, article, text="Second", ip="198.51.100.1")  # form opened 60 s ago
    assert refused.status_code == 429
    kept = re.search(r'name="token" value="([^"]+)"', refused.text)[1]
    assert post(client, article, token=kept, text="Second", ip="198.51.100.2").status_code == 302
    assert Comment.objects.get(text="Second").status == Comment.Status.APPROVED  # not "too fast"


def test_rate_limit_uses_the_forwarded_address_behind_a_trusted_proxy(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("comments:post", args=[article.slug])

    def send(text, forwarded):
        data = comment_data(article, text=text)
        return client.post(url, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert send("a", "spoofed, 203.0.113.5").status_code == 302
    assert send("b", "203.0.113.6").status_code == 302
    assert send("c", "203.0.113.5").status_code == 429
    assert Comment.objects.get(text="a").ip_address == "203.0.113.5"


@pytest.mark.parametrize(
    "kind, value, data",
    [
        ("word", "casino", {"text": "Visit my Casino tonight"}),
        ("email", "bad@example.org", {"email": "BAD@example.org"}),
        ("domain", "spam.example", {"email": "x@mail.spam.example"}),
        ("domain", "spam.example", {"website": "https://www.spam.example/page"}),
        ("ip", "203.0.113.0/24", {"ip": "203.0.113.77"}),
        ("ip", "2001:db8::1", {"ip": "2001:db8::1"}),
    ],
)
def test_blocklist_match_is_spam_with_the_entry_as_reason(
    client, article, approve_all, kind, value, data
):
    entry = BlocklistEntry.objects.create(kind=kind, value=value)
    post(client, article, **data)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.reasons == [f"Blocklist match: {entry}"]


def test_blocklist_words_match_whole_words_only(client, article, approve_all):
    BlocklistEntry.objects.create(kind="word", value="cialis")
    post(client, article, text="Specialists agree.")
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_several_reasons_are_all_stored(client, article):
    BlocklistEntry.objects.create(kind="word", value="casino")
    post(client, article, seconds_ago=0, text="casino http://a.ex http://b.ex http://c.ex")
    reasons = Comment.objects.get().reasons
    assert reasons[0] == "Blocklist match: Word or phrase: casino"
    assert any(r.startswith("Posted too fast") for r in reasons)
    assert any(r.startswith("Too many links") for r in reasons)
    assert "Held for review (site policy)" in reasons


def test_spam_looks_pending_to_its_author_and_is_hidden_from_others(client, article):
    post(client, article, leave_blank="filled", text="Bot text")
    assert "Bot text" in client.get(article.get_absolute_url()).text
    from django.test import Client

    assert "Bot text" not in Client().get(article.get_absolute_url()).text


@pytest.mark.parametrize(
    "value, ok",
    [("203.0.113.0/24", True), ("not-an-ip", False), ("2001:db8::/32", True)],
)
def test_blocklist_ip_entries_are_validated(value, ok):
    from django.core.exceptions import ValidationError

    entry = BlocklistEntry(kind="ip", value=value)
    if ok:
        entry.full_clean()
    else:
        with pytest.raises(ValidationError):
            entry.full_clean()


@pytest.mark.parametrize(
    "kind, value, stored",
    [
        ("word", "  Casino ", "casino"),
        ("ip", "203.0.113.7/24", "203.0.113.7/24"),  # the range of that address
        ("email", " Spammer@Example.COM", "spammer@example.com"),
        ("domain", "@.Spam.Example", "spam.example"),
    ],
)
def test_a_blocklist_entry_is_stored_in_the_form_the_rules_match(kind, value, stored):
    entry = BlocklistEntry(kind=kind, value=value)
    entry.full_clean()
    assert entry.value == stored


@pytest.mark.parametrize(
    "kind, value, message",
    [
        ("word", "   ", "Enter a value."),
        ("ip", "not-an-ip", "Enter an IP address or a range such as 203.0.113.0/24."),
        ("domain", "localhost", "Enter a domain such as example.com."),
        ("domain", "spam.example/page", "Enter a domain such as example.com."),
        ("domain", "mail@spam.example", "Enter a domain such as example.com."),
        ("domain", "spam .example", "Enter a domain such as example.com."),
    ],
)
def test_a_blocklist_entry_that_could_never_match_says_what_to_enter(kind, value, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        BlocklistEntry(kind=kind, value=value).full_clean()
    assert refused.value.message_dict == {"value": [message]}


def test_a_blocklist_email_must_be_an_address():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Enter a valid email address."):
        BlocklistEntry(kind="email", value="not an address").full_clean()
