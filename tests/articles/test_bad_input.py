"""Bad input gets a clear 4xx answer, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/essays/no-such-essay/",
        "/sections/nowhere/",
        "/topics/nothing/",
        "/authors/nobody/",
        "/authors/nobody/feed/",
        "/archive/2025/13/",
        "/archive/2025/00/",
        "/archive/0000/01/",
        "/archive/9999/12/",
        "/archive/1999/01/",
        "/archive/2025/1/",
        "/essays/%00/",
    ],
)
def test_unknown_things_are_404(client, url):
    make_article()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "999999", "-1", "0", "1.5", "", "\x00", "9" * 400])
def test_bad_page_numbers_are_404_or_a_valid_page(client, page, settings):
    settings.ARTICLES_PER_PAGE = 1
    make_article(), make_article()
    for url in [reverse("articles:home"), reverse("articles:archive")]:
        response = client.get(url, {"page": page})
        assert response.status_code in (200, 404), (url, page)


def test_last_page_keyword_works(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    make_article()
    second = make_article()
    response = client.get(reverse("articles:home"), {"page": "last"})
    assert list(response.context["articles"]) == [second]


def test_bad_host_header_is_400(client):
    response = client.get(reverse("articles:home"), HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "Bad request" in response.text
