"""Bad input to the comment form gets a clear answer; nothing half-stored, never a 500."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import comment_data, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"name": ""}, "This field is required."),
        ({"email": ""}, "This field is required."),
        ({"text": ""}, "This field is required."),
        ({"text": "   \n  "}, "This field is required."),
        ({"email": "nobody@"}, "Enter a valid email address."),
        ({"website": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"text": "x" * 5001}, "Your comment is 5,001 characters long; it can be at most 5,000"),
        ({"text": "nul \x00 byte"}, "control characters"),
        ({"name": "bell \x07"}, "control characters"),
        ({"name": "Zoë\r\nunsubscribe here: http://evil.example"}, "must be a single line"),
        ({"text": "escape \x1b[31m"}, "control characters"),
        ({"parent": "abc"}, "not available for replies"),
        ({"parent": "999999"}, "not available for replies"),
        ({"parent": "²"}, "not available for replies"),
        ({"parent": "9" * 30}, "not available for replies"),
    ],
)
def test_invalid_fields_are_form_errors_and_store_nothing(client, article, overrides, error):
    data = comment_data(article, **overrides)
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("parent", ["²", "9" * 30, "-1"])
def test_a_refusal_page_survives_any_reply_target(client, article, parent):
    """The 400 page hands the comment back, reply target included: never a 500 over it."""
    data = comment_data(article, parent=parent, token="altered")
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 400
    assert data["text"] in response.content.decode()
    assert not Comment.objects.exists()


def field_errors(html: str, field: str) -> list[str]:
    """The messages shown next to one field (not those in the summary above the form)."""
    block = re.search(rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', html)
    return re.findall(r"<strong>(.*?)</strong>", block[1]) if block else []


def test_text_limit_is_configurable_and_says_how_long_the_text_is(client, article, settings):
    settings.COMMENTS_MAX_LENGTH = 20
    data = comment_data(article, text="This is longer than twenty characters")
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    message = (
        "Your comment is 37 characters long; it can be at most 20 characters. "
        "Please shorten it by 17 characters."
    )
    assert field_errors(response.text, "text") == [message]
    assert "This is longer than twenty characters</textarea>" in response.text  # all of it
    textarea = re.search(r"<textarea [^>]*>", response.text)[0]
    assert "maxlength" not in textarea  # the browser would cut a paste silently
    assert 'data-max-length="20"' in textarea  # for the live count (comment-form.js)
    assert "Plain text, up to 20 characters." in response.text


def test_a_line_break_counts_as_one_character(client, article, settings):
    settings.COMMENTS_MAX_LENGTH = 5
    data = comment_data(article, text="ab\r\ncd")  # five characters as the reader sees them
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "field, value",
    [
        ("website", "javascript:alert(1)"),  # URLField's own check and the http(s) one
        ("website", "ftp://example.org/\x07"),
        ("name", "bell \x07\r\nsecond line"),
        ("email", "zoë\x07@example.org\r\n"),
        ("text", "nul \x00 byte " + "x" * 5000),
    ],
)
def test_each_field_shows_one_message(client, article, field, value):
    data = comment_data(article, **{field: value})
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 200 and not Comment.objects.exists()
    assert len(field_errors(response.text, field)) == 1
    summary = response.text[response.text.index('id="comment-errors"') :]
    summary = summary[: summary.index("</ul>")]
    assert summary.count(f'href="#id_{field}"') == 1


def test_enter_a_valid_url_is_said_once(client, article):
    data = comment_data(article, website="javascript:alert(1)")
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert field_errors(response.text, "website") == ["Enter a valid URL."]


def test_non_utf8_bytes_are_refused(client, article):
    body = (
        b"name=Bad+Bytes&email=b%40example.org&text=caf%E9+%FF%FE&token="
        + comment_data(article)["token"].encode()
    )
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400  # core.middleware: forms are UTF-8 or nothing
    assert not Comment.objects.exists()


def test_an_anonymous_post_from_another_site_is_403(article):
    strict = Client(enforce_csrf_checks=True, headers={"Origin": "https://elsewhere.example"})
    url = reverse("comments:post", args=[article.slug])
    assert strict.post(url, comment_data(article)).status_code == 403
    assert not Comment.objects.exists()


def test_an_anonymous_post_from_this_site_needs_no_csrf_token(article):
    strict = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "same-origin"})
    page = strict.get(article.get_absolute_url())
    assert "csrftoken" not in page.cookies and b"csrfmiddlewaretoken" not in page.content
    data = comment_data(article)
    assert strict.post(reverse("comments:post", args=[article.slug]), data).status_code == 302


def test_unicode_text_round_trips(client, article, settings):
    settings.COMMENTS_MODERATION = "approve_all"
    text = "Curly “quotes”, an em-dash — and Кириллица, with emoji 🙂."
    client.post(reverse("comments:post", args=[article.slug]), comment_data(article, text=text))
    assert Comment.objects.get().text == text
    assert text in client.get(article.get_absolute_url()).text


def post_data(client, article, data):
    return client.post(reverse("comments:post", args=[article.slug]), data)


def test_a_form_that_cannot_be_verified_is_a_400(client, article):
    from django.core import signing

    from comments.forms import TOKEN_SALT

    another = make_article("Another essay")
    tokens = [
        "garbage",
        comment_data(another)["token"],  # a valid token, for another essay
        signing.dumps({"a": article.pk}, salt=TOKEN_SALT),  # no time in it
    ]
    for token in tokens:
        response = post_data(client, article, comment_data(article, token=token))
        assert response.status_code == 400, token
        assert "could not be verified" in response.text
    assert not Comment.objects.exists()


def test_a_form_open_too_long_asks_to_post_again_with_a_fresh_form(client, article, settings):
    import time_machine

    settings.COMMENTS_FORM_MAX_AGE_HOURS = 24
    with time_machine.travel(1_800_000_000, tick=False):
        on_time = post_data(client, article, comment_data(article, seconds_ago=24 * 3600))
        assert on_time.status_code == 302  # exactly at the limit is still in time
        late = comment_data(article, seconds_ago=24 * 3600 + 10, text="Left open")
        stale = post_data(client, article, late)
        assert stale.status_code == 200
        assert (
            "This form was open for too long. Please check your comment and post it again."
            in stale.text
        )
        fresh = re.search(r'name="token" value="([^"]+)"', stale.text)[1]
        assert post_data(client, article, {**late, "token": fresh}).status_code == 302
    assert Comment.objects.filter(text="Left open").exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("caf\ufffd", "This contains characters that could not be read."),
        ("bell \x07", "This contains control characters; please remove them."),
    ],
)
def test_unreadable_and_control_characters_are_named_in_the_message(client, article, text, message):
    response = post_data(client, article, comment_data(article, text=text))
    assert field_errors(response.text, "text") == [message]


def test_tabs_and_line_breaks_are_welcome_in_a_comment(client, article):
    text = "Columns:\tone\ttwo\r\nNext line\rand another"
    assert post_data(client, article, comment_data(article, text=text)).status_code == 302
    assert Comment.objects.get().text == "Columns:\tone\ttwo\nNext line\nand another"


def test_a_comment_one_character_too_long_says_so_in_the_singular(client, article, settings):
    settings.COMMENTS_MAX_LENGTH = 5
    exact = post_data(client, article, comment_data(article, text="abcde"))
    assert exact.status_code == 302
    response = post_data(client, article, comment_data(article, text="abcdef"))
    assert field_errors(response.text, "text") == [
        "Your comment is 6 characters long; it can be at most 5 characters. "
        "Please shorten it by 1 character."
    ]
