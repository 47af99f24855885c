"""The page cache: fast for anonymous readers, never stale, never personal."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.factories import comment_data, make_article, make_comment

pytestmark = pytest.mark.django_db
HOME = reverse("articles:home")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def test_a_cached_page_costs_one_tiny_query(client, django_assert_max_num_queries):
    make_article("Cached essay")
    first = client.get(HOME)
    with django_assert_max_num_queries(1):  # the content version, by primary key
        second = Client().get(HOME)
    assert second.content == first.content and "Cached essay" in second.text


def test_approving_a_comment_shows_on_the_cached_page_at_once(moderator_client):
    article = make_article()
    comment = make_comment(article, status="pending", text="Held words")
    reader = Client()
    assert "Held words" not in reader.get(article.get_absolute_url()).text
    assert "No comments" in reader.get(article.get_absolute_url()).text  # now cached
    moderator_client.post(reverse("admin:comments_comment_moderate", args=[comment.pk, "approved"]))
    page = reader.get(article.get_absolute_url()).text
    assert "Held words" in page and "1 comment</h2>" in page
    assert ">1 comment<" in reader.get(HOME).text
    moderator_client.post(reverse("admin:comments_comment_moderate", args=[comment.pk, "removed"]))
    assert "Held words" not in reader.get(article.get_absolute_url()).text


def test_publishing_editing_and_unpublishing_show_at_once(editor_client):
    reader = Client()
    draft = make_article("Fresh piece", status=Article.Status.DRAFT, published_at=None)
    assert "Fresh piece" not in reader.get(HOME).text
    changelist = reverse("admin:articles_article_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Fresh piece" in reader.get(HOME).text
    assert reader.get(draft.get_absolute_url()).status_code == 200

    draft.refresh_from_db()
    draft.title = "Fresh piece, revised"
    draft.save()
    assert "Fresh piece, revised" in reader.get(HOME).text
    assert "Fresh piece, revised" in reader.get(draft.get_absolute_url()).text

    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert "Fresh piece" not in reader.get(HOME).text
    assert reader.get(draft.get_absolute_url()).status_code == 404


def test_a_scheduled_essay_appears_on_cached_pages_when_its_time_comes(monkeypatch):
    make_article("Already out")
    make_article("Tomorrow’s essay", published_at=timezone.now() + timedelta(days=1))
    reader = Client()
    assert "Tomorrow’s essay" not in reader.get(HOME).text
    assert "Tomorrow’s essay" not in reader.get(HOME).text  # from the cache
    later = timezone.now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Tomorrow’s essay" in reader.get(HOME).text


def test_one_readers_csrf_token_never_reaches_another(client):
    article = make_article()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(article.get_absolute_url())
    page_two = second.get(article.get_absolute_url())  # served from the cache
    token_one, token_two = TOKEN.search(page_one.text)[1], TOKEN.search(page_two.text)[1]
    assert token_one != token_two
    assert token_one not in page_two.text
    assert "\x00" not in page_two.text
    data = comment_data(article, csrfmiddlewaretoken=token_two)
    assert second.post(reverse("comments:post", args=[article.slug]), data).status_code == 302
    assert "private" in page_two["Cache-Control"] and "Cookie" in page_two["Vary"]


def test_a_commenters_own_pending_comment_and_notice_are_never_shared(client):
    article = make_article()
    Client().get(article.get_absolute_url())  # cache the page
    client.post(
        reverse("comments:post", args=[article.slug]), comment_data(article, text="Mine only")
    )
    mine = client.get(article.get_absolute_url())
    assert "Mine only" in mine.text and "awaiting moderation" in mine.text
    assert "private" in mine["Cache-Control"]
    other = Client().get(article.get_absolute_url())
    assert "Mine only" not in other.text and "awaiting moderation" not in other.text


def test_signed_in_staff_get_fresh_private_pages(editor_client):
    article = make_article("Staff view")
    Client().get(article.get_absolute_url())
    response = editor_client.get(article.get_absolute_url())
    assert response.context is not None  # rendered, not replayed
    assert "private" in response["Cache-Control"]


def test_http_caching_headers_and_conditional_requests(client):
    make_article()
    response = client.get(HOME)
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"] and response["Last-Modified"]
    again = Client().get(HOME, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = Client().get(HOME, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    feed = client.get(reverse("articles:feed"))
    assert feed["Cache-Control"] == "public, no-cache" and feed["ETag"]


def test_stray_query_parameters_share_one_cache_entry(django_assert_max_num_queries):
    make_article()
    Client().get(HOME)
    with django_assert_max_num_queries(1):
        response = Client().get(HOME, {"utm_source": "newsletter", "fbclid": "x"})
    assert response.status_code == 200


def test_the_site_keeps_working_when_the_cache_server_is_down(settings, client):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    article = make_article("Still served")
    assert "Still served" in client.get(HOME).text
    assert client.get(article.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("comments:post", args=[article.slug]), comment_data(article, text="Kept")
    )
    assert response.status_code == 302
    assert Comment.objects.filter(text="Kept").exists()


def test_pages_are_not_stale_after_the_cache_missed_a_change(settings):
    """Edits made while the cache server was away still show when it comes back."""
    article = make_article("Before the outage")
    reader = Client()
    assert "Before the outage" in reader.get(HOME).text  # cached
    article.title = "Edited during the outage"
    article.save()  # the cache is never told; the version in the database moves anyway
    assert "Edited during the outage" in reader.get(HOME).text


def test_cached_pages_hand_out_a_fresh_comment_form_timestamp(monkeypatch):
    from comments import forms

    article = make_article()
    Client().get(article.get_absolute_url())  # cached now, with the token of this moment
    later = forms.time.time() + 3600
    monkeypatch.setattr(forms.time, "time", lambda: later)
    page = Client().get(article.get_absolute_url()).text
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    from django.core import signing

    payload = signing.loads(token, salt=forms.TOKEN_SALT)
    assert payload == {"a": article.pk, "t": int(later)}


def test_pages_with_the_comment_form_are_never_answered_304():
    """A browser revalidating an old copy must get fresh tokens, not reuse stale ones."""
    article = make_article()
    reader = Client()
    first = reader.get(article.get_absolute_url())
    again = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first.get("ETag", '"x"'))
    assert again.status_code == 200
    assert "Last-Modified" not in again
    assert TOKEN.search(again.text)[1] != TOKEN.search(first.text)[1]


def test_comments_close_on_cached_pages_when_their_time_comes(settings, monkeypatch):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article(published_at=timezone.now() - timedelta(days=29, hours=23))
    reader = Client()
    assert 'name="text"' in reader.get(article.get_absolute_url()).text
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Comments are closed." in reader.get(article.get_absolute_url()).text
