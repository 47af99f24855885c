"""Hostile input, fuzzed with Hypothesis: the answer is always a page, a form error or a 4xx."""

from html.parser import HTMLParser

import pytest
from django.templatetags.static import static
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OK = {200, 302, 400, 403, 404, 405, 429}
# Text a browser can send: any Unicode except lone surrogates (which cannot be UTF-8 at all).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
CLASSICS = st.sampled_from([
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "' OR 1=1 --", "'; DROP TABLE comments_comment; --", "../../etc/passwd", "%00", "\x00",
    "{{ 7*7 }}", "{% debug %}", "\u202etxt.exe", "ｓｃｒｉｐｔ", "\r\nSet-Cookie: x=1", "A" * 6000,
])  # fmt: skip
VALUES = st.one_of(TEXT, CLASSICS)


@pytest.fixture
def article(settings):
    settings.COMMENTS_RATE_LIMIT = "100000/1m"
    settings.COMMENTS_MODERATION = "approve_all"
    return make_article()


def assert_clean_rows():
    for name, email, url, text, agent in Comment.objects.values_list(
        "author_name", "author_email", "author_url", "text", "user_agent"
    ):
        for value in (name, email, url, text, agent):
            assert "\x00" not in value
            value.encode("utf-8")  # valid text: no lone surrogates
        assert not url or url.startswith(("http://", "https://"))


@FUZZ
@given(name=VALUES, email=VALUES, website=VALUES, text=VALUES, parent=VALUES, leave_blank=VALUES)
def test_comment_form_never_fails(client, article, name, email, website, text, parent, leave_blank):
    data = comment_data(article, name=name, email=email, website=website, text=text,
                        parent=parent, leave_blank=leave_blank)  # fmt: skip
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code in OK
    assert_clean_rows()


@FUZZ
@given(body=st.binary(max_size=2000))
def test_raw_bytes_as_a_comment_body(client, article, body):
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in OK
    assert_clean_rows()


@FUZZ
@given(query=VALUES, page=VALUES)
def test_search_box_and_pagination(client, article, query, page):
    response = client.get(reverse("articles:search"), {"q": query, "page": page})
    assert response.status_code in OK


@FUZZ
@given(page=VALUES, replyto=VALUES)
def test_every_query_parameter(client, article, page, replyto):
    for url in [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        reverse("articles:archive"),
    ]:
        assert client.get(url, {"page": page}).status_code in OK
    assert client.get(article.get_absolute_url(), {"replyto": replyto}).status_code in OK


@FUZZ
@given(segment=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80))
def test_every_url_segment(client, article, segment):
    from urllib.parse import quote

    part = quote(segment, safe="")
    for pattern in ["/essays/{}/", "/sections/{}/", "/topics/{}/feed/", "/authors/{}/feed/atom/",
                    "/archive/{}/", "/essays/{}/comments/feed/", "/comments/unsubscribe/{}/",
                    "/essays/{}/social.png", "/media/{}", "/{}"]:  # fmt: skip
        assert client.get(pattern.format(part)).status_code in OK


@pytest.mark.parametrize(
    "path",
    ["/media/../config/settings.py", "/media/..%2f..%2fmanage.py", "/media/%2e%2e/%2e%2e/manage.py",
     "/media/....//....//etc/passwd", "/static/../manage.py"],
)  # fmt: skip
def test_path_traversal_in_media_and_static_urls(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert (
        b"SECRET_KEY" not in response.content
        and b"execute_from_command_line" not in response.content
    )


def test_a_comment_too_long_is_a_form_error(client, article):
    data = comment_data(article, text="x" * 50_000)  # within the body limit (64 KB)
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 200 and "at most 5,000 characters" in response.text
    assert not Comment.objects.exists()


@pytest.mark.parametrize("size", [1_000_000, 3_000_000])
def test_a_body_over_the_limit_is_413(client, article, size):
    data = comment_data(article, text="x" * size)
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 413  # refused unread (core/limits.py)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "evil.example\x00.org"},
        {"HTTP_HOST": "ex ample.org"},
        {"HTTP_USER_AGENT": "Mozilla\x00\x01\x7f\udcff"},
        {"HTTP_X_FORWARDED_FOR": "\x00, ::ffff:<script>"},
        {"HTTP_COOKIE": "sessionid=\x00\xff; csrftoken=\x01"},
        {"HTTP_ACCEPT_LANGUAGE": "\xff" * 500},
        {"HTTP_IF_NONE_MATCH": '"\x00"'},
        {"HTTP_IF_MODIFIED_SINCE": "not a date \x00"},
    ],
)
def test_headers_with_invalid_bytes(client, article, settings, headers):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get(article.get_absolute_url(), **headers).status_code in OK
    data = comment_data(article, text=f"posted with {sorted(headers)}")
    assert (
        client.post(reverse("comments:post", args=[article.slug]), data, **headers).status_code
        in OK
    )
    assert_clean_rows()


class ExecutableContent(HTMLParser):
    """Collects anything in a page that a browser could run."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        data_block = tag == "script" and ("type", "application/ld+json") in attrs
        # The site's own comment form script (a static file), not anything a reader wrote.
        ours = tag == "script" and ("src", static("js/comment-form.js")) in attrs
        if tag in {"script", "iframe", "object", "embed", "svg", "math"} and not (
            data_block or ours
        ):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if (
                name in {"href", "src", "action", "formaction"}
                and value
                and value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.found.append(f"{tag}[{name}={value}]")


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg/onload=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "<iframe src=//evil.example></iframe>",
    "</textarea><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    'http://example.org/"onmouseover="alert(1)',
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_approved_hostile_comments_render_nothing_executable(client, article, payload):
    make_comment(article, author_name=payload[:100], text=f"{payload}\n\n{payload}",
                 author_url="https://example.org/" + payload.replace(" ", "")[:50])  # fmt: skip
    for url in [article.get_absolute_url(), reverse("comments:feed")]:
        html = client.get(url).content.decode()
        parser = ExecutableContent()
        parser.feed(html)
        assert parser.found == [], (url, parser.found)
