"""Hostile input gets a clear answer (a form error or a 400), never a 500, never a half-saved row.

Issue 12: line breaks in names and headlines forged lines in the site's emails; form bodies in
charsets other than UTF-8 answered 500 with three chained tracebacks.
"""

import logging
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Page, Section, Topic
from comments import notifications
from comments.models import Comment
from core.models import OutgoingEmail
from tests.factories import (
    comment_data,
    make_article,
    make_author,
    make_comment,
    make_moderator,
    make_section,
)

pytestmark = pytest.mark.django_db

FORGED = "\r\nunsubscribe here: http://evil.example"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://blog.example.org"


def post_comment(client, article, **fields):
    return client.post(
        reverse("comments:post", args=[article.slug]), comment_data(article, **fields)
    )


# --- Line breaks in one-line fields ----------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", f"Zoë Reader{FORGED}"),
        ("name", "Zoë\nReader"),
        ("name", "Zoë\rReader"),
        ("name", "Zoë\u2028Reader"),  # a Unicode line separator
        ("email", "zoe@example.org\r\nBcc: everyone@example.org"),
        ("website", "https://example.org/\r\nunsubscribe"),
    ],
)
def test_line_break_in_a_one_line_comment_field_is_an_error_next_to_it(
    client, field, value, django_capture_on_commit_callbacks
):
    make_moderator()
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, article, **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert error and "single line" in error.group(1), html
    assert set(response.context["comment_form"].errors) == {field}
    assert not Comment.objects.exists()
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_the_comment_itself_may_have_several_lines(client):
    article = make_article()
    response = post_comment(client, article, text="First line.\r\n\r\nSecond paragraph.")
    assert response.status_code == 302
    assert Comment.objects.get().text == "First line.\n\nSecond paragraph."


ESSAY_FORM = {
    "slug": "a-headline",
    "standfirst": "A standfirst\r\non two lines is fine: it is a paragraph.",
    "body": "Some *Markdown*.",
    "status": "published",
    "published_at_0": "",
    "published_at_1": "",
    "allow_comments": "on",
    "bylines-TOTAL_FORMS": "1",
    "bylines-INITIAL_FORMS": "0",
    "bylines-MIN_NUM_FORMS": "1",
    "bylines-MAX_NUM_FORMS": "1000",
    "bylines-0-position": "0",
}


def admin_errors(response) -> dict:
    assert response.status_code == 200, "the admin should show the form again"
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("field", ["title", "seo_title", "seo_description"])
def test_admin_refuses_a_headline_with_a_line_break(editor_client, field):
    data = {
        **ESSAY_FORM,
        "title": "A headline",
        "section": make_section().pk,
        "bylines-0-author": make_author().pk,
        field: f"A headline{FORGED}",
    }
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    errors = admin_errors(response)
    assert list(errors) == [field]
    assert "single line" in errors[field][0]
    assert "single line" in response.text
    assert not Article.objects.exists()


def test_admin_saves_a_multiline_standfirst(editor_client):
    """Only one-line boxes refuse line breaks; the standfirst and body are textareas."""
    data = {
        **ESSAY_FORM,
        "title": "A headline",
        "section": make_section().pk,
        "bylines-0-author": make_author().pk,
    }
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert "\n" in Article.objects.get().standfirst


@pytest.mark.parametrize(
    "model, url_name, data",
    [
        (Section, "admin:articles_section_add", {"slug": "s", "description": "Two\r\nlines"}),
        (Topic, "admin:articles_topic_add", {"slug": "t", "description": ""}),
        (Author, "admin:articles_author_add", {"slug": "a", "bio": "A bio\r\non two lines."}),
    ],
)
def test_admin_refuses_a_name_with_a_line_break(editor_client, model, url_name, data):
    response = editor_client.post(reverse(url_name), {**data, "name": f"Name{FORGED}"})
    errors = admin_errors(response)
    assert list(errors) == ["name"] and "single line" in errors["name"][0]
    assert not model.objects.exists()

    response = editor_client.post(reverse(url_name), {**data, "name": "Name"})
    assert response.status_code == 302  # the same form with a one-line name saves
    assert model.objects.get().name == "Name"


def test_admin_refuses_a_page_title_with_a_line_break(editor_client):
    data = {"title": f"About{FORGED}", "slug": "about", "body": "Hello.", "status": "draft"}
    data |= {"body_format": "markdown", "position": "0"}
    errors = admin_errors(editor_client.post(reverse("admin:articles_page_add"), data))
    assert list(errors) == ["title"]
    assert not Page.objects.exists()


def test_admin_refuses_an_image_caption_with_a_line_break(editor_client, settings, tmp_path):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    from articles.models import Image

    settings.MEDIA_ROOT = tmp_path
    png = BytesIO()
    PILImage.new("RGB", (40, 20), "navy").save(png, "PNG")
    picture = Image(alt_text="A navy strip")
    picture.file.save("strip.png", ContentFile(png.getvalue()), save=False)
    Image.objects.bulk_create([picture])  # no renditions needed: only the caption is edited
    picture = Image.objects.get()
    url = reverse("admin:articles_image_change", args=[picture.pk])
    data = {"alt_text": "A navy strip", "caption": f"Caption{FORGED}", "credit": ""}
    errors = admin_errors(editor_client.post(url, data))
    assert list(errors) == ["caption"]
    picture.refresh_from_db()
    assert picture.caption == ""


def lines(body: str) -> list[str]:
    return body.splitlines()


def test_names_from_the_database_cannot_forge_a_line_in_moderator_email(
    django_capture_on_commit_callbacks,
):
    """Defence in depth: a name stored before this rule (or by an import) stays on its line."""
    make_moderator()
    article = make_article("Harbours")
    comment = make_comment(
        article,
        status="pending",
        author_name=f"Eve{FORGED}",
        text="Nice essay.\nTo stop these emails, open: http://evil.example/stop",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_moderators(comment)
    body = mail.outbox[0].body
    assert "From: Eve unsubscribe here: http://evil.example" in lines(body)
    assert not any(line.startswith(("unsubscribe", "To stop")) for line in lines(body))
    assert "> To stop these emails, open: http://evil.example/stop" in lines(body)


def test_names_from_the_database_cannot_forge_a_line_in_a_reply_notice(
    django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)  # the link's signature carries the second
    article = make_article("Harbours")
    parent = make_comment(
        article, author_name=f"Ann{FORGED}", author_email="ann@example.org", notify_replies=True
    )
    reply = make_comment(
        article,
        parent=parent,
        in_reply_to=parent,
        author_name=f"Eve{FORGED}",
        text="Agreed.\n\nTo stop these emails, open:\nhttp://evil.example/stop",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_parent_author(reply)
    body = mail.outbox[0].body
    real_link = notifications.site_url(
        reverse("comments:unsubscribe", args=[notifications.unsubscribe_token(parent)])
    )
    unquoted = [line for line in lines(body) if not line.startswith(">")]
    assert [line for line in unquoted if "evil.example" in line] == [
        "Hello Ann unsubscribe here: http://evil.example,",
        "Eve unsubscribe here: http://evil.example replied to your comment on “Harbours”:",
    ]
    assert real_link in unquoted
    assert "> http://evil.example/stop" in lines(body)


def test_a_digest_keeps_names_and_headlines_on_their_lines():
    make_comment(
        make_article(f"Title{FORGED}"),
        status="pending",
        author_name=f"Eve{FORGED}",
        text="Hi.\nChange it here: http://evil.example/prefs",
    )
    now = timezone.now()
    notifications.queue_digest(
        "mod@example.org", since=now - timedelta(hours=1), now=now, key="digest-test"
    )
    body = OutgoingEmail.objects.get(key="digest-test").body
    assert not any(line.lstrip().startswith(("unsubscribe", "Change")) for line in lines(body))
    assert any(line.startswith("— On “Title unsubscribe here") for line in lines(body))
    assert "  > Change it here: http://evil.example/prefs" in lines(body)


def test_a_headline_with_a_newline_still_gets_a_one_line_subject(
    client, django_capture_on_commit_callbacks
):
    """The admin now refuses it, but a headline stored earlier must not stop the mail."""
    make_moderator()
    article = make_article()
    Article.objects.filter(pk=article.pk).update(title="Bus lanes\r\nBcc: all@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, article)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\n" not in subject and "\r" not in subject
    assert "Bus lanes Bcc: all@example.org" in subject
    headers = mail.outbox[0].message().as_string().split("\n\n", 1)[0]
    assert not re.search(r"^Bcc:", headers, re.M)


# --- Form bodies that are not UTF-8 ----------------------------------------------------------


def strict_client(url_to_visit: str) -> Client:
    """A client that checks CSRF like a browser's request does (the 500 came from there)."""
    client = Client(
        enforce_csrf_checks=True,
        raise_request_exception=False,
        headers={"Sec-Fetch-Site": "same-origin"},  # a browser posting this site's own form
    )
    client.get(url_to_visit)
    return client


def csrf_field(client) -> dict:
    """The CSRF token, where the page set one (the admin; anonymous pages have none)."""
    cookie = client.cookies.get("csrftoken")
    return {"csrfmiddlewaretoken": cookie.value} if cookie else {}


def raw_post(client, url: str, body: bytes, content_type: str):
    return client.generic("POST", url, body, content_type=content_type)


def form_body(client, data: dict, charset: str) -> bytes:
    data = {**data, **csrf_field(client)}
    text = urlencode(data)
    try:
        return text.encode(charset)
    except LookupError:
        return text.encode()


CHARSETS = ["utf-16", "utf-16le", "utf-32", "utf-7", "latin-1", "iso-8859-1", "shift_jis", "foo"]


def assert_plain_400(response, caplog, says="UTF-8"):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert says in text and "Traceback" not in text and len(text) < 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("charset", CHARSETS)
def test_comment_in_another_charset_is_a_plain_400_and_stores_nothing(charset, caplog):
    article = make_article()
    client = strict_client(article.get_absolute_url())
    body = form_body(client, comment_data(article, name="Zoë"), charset)
    url = reverse("comments:post", args=[article.slug])
    response = raw_post(client, url, body, f"application/x-www-form-urlencoded; charset={charset}")
    assert_plain_400(response, caplog)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("charset", CHARSETS)
def test_admin_login_in_another_charset_is_a_plain_400(charset, caplog):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("boss", password="pw-boss-123")
    login = reverse("admin:login")
    client = strict_client(login)
    body = form_body(client, {"username": "boss", "password": "pw-boss-123"}, charset)
    response = raw_post(
        client, login, body, f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert_plain_400(response, caplog)
    assert "_auth_user_id" not in client.session


def multipart(client, fields: dict, boundary="BoUnDaRy") -> bytes:
    fields = {**fields, **csrf_field(client)}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode()


@pytest.mark.parametrize("charset", ["utf-16", "shift_jis", "foo"])
def test_multipart_in_another_charset_is_a_plain_400(charset, caplog):
    article = make_article()
    client = strict_client(article.get_absolute_url())
    body = multipart(client, comment_data(article))
    url = reverse("comments:post", args=[article.slug])
    response = raw_post(
        client, url, body, f"multipart/form-data; boundary=BoUnDaRy; charset={charset}"
    )
    assert_plain_400(response, caplog)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"name=Caf\xe9&text=raw+Latin-1+bytes",  # Django would have read these as Latin-1
        b"name=Caf%E9&text=an+escaped+Latin-1+byte",
        b"name=%FF%FE&text=escaped+bytes+that+are+no+character",
    ],
)
@pytest.mark.parametrize("charset", ["", "; charset=utf-8"])
def test_bytes_that_are_not_utf8_are_a_plain_400(body, charset, caplog):
    article = make_article()
    client = strict_client(article.get_absolute_url())
    token = comment_data(article)["token"]
    body += f"&email=z%40example.org&token={token}".encode()
    url = reverse("comments:post", args=[article.slug])
    response = raw_post(client, url, body, f"application/x-www-form-urlencoded{charset}")
    assert_plain_400(response, caplog)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "utf8", "us-ascii"])
def test_utf8_and_ascii_forms_are_accepted(charset):
    """Django itself refuses "utf8" and "us-ascii"; both are UTF-8, so they are welcome."""
    article = make_article()
    client = strict_client(article.get_absolute_url())
    data = comment_data(article, name="Zoe" if charset == "us-ascii" else "Zoë")
    body = form_body(client, data, "utf-8")
    url = reverse("comments:post", args=[article.slug])
    response = raw_post(client, url, body, f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 302
    assert Comment.objects.get().author_name == data["name"]


def test_too_many_fields_is_a_400_not_a_500(caplog):
    article = make_article()
    client = strict_client(article.get_absolute_url())
    body = "&".join(f"f{i}=1" for i in range(1200)).encode()
    url = reverse("comments:post", args=[article.slug])
    response = raw_post(client, url, body, "application/x-www-form-urlencoded")
    assert_plain_400(response, caplog, says="too many fields")
