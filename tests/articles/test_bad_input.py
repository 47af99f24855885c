"""Bad input gets a clear 4xx answer, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_author, make_section, make_topic

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
    section, topic, author = make_section(), make_topic(), make_author()
    first = make_article(section=section, topics=[topic], authors=[author])
    make_article(section=section, topics=[topic], authors=[author])
    when = timezone.localtime(first.published_at)
    month = reverse("articles:month", kwargs={"year": f"{when:%Y}", "month": f"{when:%m}"})
    urls = [reverse("articles:home"), section.get_absolute_url(), topic.get_absolute_url(),
            author.get_absolute_url(), month]  # fmt: skip
    for url in urls:
        response = client.get(url, {"page": page})
        expected = (200,) if page == "" else (404,)
        assert response.status_code in expected, (url, page)


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
