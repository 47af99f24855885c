"""Request bodies over the limit are refused with 413 before Django reads a byte of them."""

import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import comment_data, make_article, make_editor

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anyone reads it (it claims to be huge)."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def post_claiming(client, path, length: int):
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


def test_an_800_megabyte_anonymous_post_is_refused_unread(client):
    article = make_article()
    response = post_claiming(client, reverse("comments:post", args=[article.slug]), 800 * MB)
    assert response.status_code == 413
    # A page that tells a commenter how to get their text back, not a bare status.
    page = response.content.decode()
    assert "Back button" in page and "5,000 characters" in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize("path", ["/", "/search/", "/nowhere/"])
def test_every_public_path_has_the_small_limit(client, settings, path):
    settings.REQUEST_MAX_BODY_KB = 64
    assert post_claiming(client, path, 64 * 1024 + 1).status_code == 413


def test_the_admin_login_page_has_the_small_limit_too(client):
    """The admin's upload allowance is for signed-in staff: nobody else may push 15 MB at it."""
    assert post_claiming(client, reverse("admin:login"), 2 * MB).status_code == 413


def test_staff_may_upload_an_image_sized_body_in_the_admin(client, settings):
    settings.IMAGE_MAX_UPLOAD_MB, settings.ADMIN_MAX_BODY_MB = 15, 16
    client.force_login(make_editor())
    url = reverse("admin:articles_image_add")
    body = b'--x\r\nContent-Disposition: form-data; name="alt"\r\n\r\n' + b"a" * (10 * MB)
    body += b"\r\n--x--\r\n"
    response = client.generic("POST", url, body, content_type="multipart/form-data; boundary=x")
    assert response.status_code != 413  # the form answers (it lacks the file, the CSRF token)
    assert post_claiming(client, url, 17 * MB).status_code == 413  # over the admin's limit


def test_the_longest_comment_still_fits(client, settings):
    """COMMENTS_MAX_LENGTH characters of the widest UTF-8 there is, form-encoded, pass."""
    settings.COMMENTS_MAX_LENGTH = 5000
    article = make_article()
    text = "\N{GRINNING FACE}" * 5000  # 4 bytes each, 12 once percent-encoded
    data = comment_data(article, text=text, name="\N{GRINNING FACE}" * 100)
    body = urlencode(data)  # as a browser sends the form: urlencoded, not multipart
    assert len(body) > 60_000
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert Comment.objects.get().text == text


def test_the_limit_is_configurable(client, settings):
    article = make_article()
    url = reverse("comments:post", args=[article.slug])
    settings.REQUEST_MAX_BODY_KB = 1
    assert client.post(url, comment_data(article, text="x" * 2000)).status_code == 413
    settings.REQUEST_MAX_BODY_KB = 64
    assert client.post(url, comment_data(article, text="x" * 2000)).status_code == 302
