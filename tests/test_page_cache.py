"""Shared pages: the same for every anonymous reader, cached, purged exactly when they change.

Transactional tests: purges run when a transaction commits, as in production.
"""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Page
from comments.models import Comment
from core.edge import backends
from tests.factories import comment_data, make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db(transaction=True)
HOME = reverse("articles:home")
PURGED: list[list[str]] = []
PURGED_URLS: set[str] = set()


class RecordingBackend(backends.PurgeBackend):
    """An edge cache that only writes down what it was asked to purge."""

    def purge(self, keys, urls):
        PURGED.append(sorted(keys))
        PURGED_URLS.update(urls)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    settings.EDGE_CACHE = {"BACKEND": "tests.test_page_cache.RecordingBackend"}
    PURGED.clear()
    PURGED_URLS.clear()
    yield
    backends.get_backend.cache_clear()


def keys(response) -> set[str]:
    return set(response["Surrogate-Key"].split())


def test_a_cached_page_costs_no_query(django_assert_max_num_queries):
    make_article("Cached essay")
    first = Client().get(HOME)
    with django_assert_max_num_queries(0):
        second = Client().get(HOME)
    assert second.content == first.content and "Cached essay" in second.text
    assert second["ETag"] == first["ETag"]


def test_anonymous_pages_are_public_identical_and_carry_no_cookie_or_token(settings):
    settings.EDGE_MAX_AGE, settings.EDGE_STALE_SECONDS = 120, 15
    article = make_article()
    urls = [
        HOME,
        article.get_absolute_url(),
        reverse("articles:feed"),
        article.section.get_absolute_url(),
    ]
    for url in urls:
        one, two = Client(enforce_csrf_checks=True).get(url), Client().get(url)
        assert one.status_code == 200, url
        assert not one.cookies and "Set-Cookie" not in one, url
        assert one["Cache-Control"] == "public, max-age=0, s-maxage=120, stale-while-revalidate=15"
        assert "Cookie" not in one.get("Vary", ""), url
        assert one.content == two.content and one["ETag"] == two["ETag"], url
        assert b"csrfmiddlewaretoken" not in one.content, url
    page = Client().get(article.get_absolute_url())
    assert {f"essay-{article.pk}", f"comments-{article.pk}", "pages"} <= keys(page)
    assert {"home", f"essay-{article.pk}"} <= keys(Client().get(HOME))
    assert "feed" in keys(Client().get(reverse("articles:feed")))
    assert f"section-{article.section_id}" in keys(Client().get(article.section.get_absolute_url()))


@pytest.mark.parametrize(
    ("edge_cache", "header", "separator"),
    [
        ({}, "Surrogate-Key", " "),  # no edge cache configured: the generic header
        ({"BACKEND": "cloudflare", "ZONE_ID": "z", "API_TOKEN": "t"}, "Cache-Tag", ","),
    ],
)
def test_shared_pages_name_their_keys_in_the_header_the_edge_reads(
    edge_cache, header, separator, settings
):
    settings.EDGE_CACHE = edge_cache
    article = make_article()
    for _ in range(2):  # rendered, then from the origin's copy
        response = Client().get(article.get_absolute_url())
        assert {f"essay-{article.pk}", "pages"} <= set(response[header].split(separator))
        assert " " not in response[header].replace(separator, "")


def test_a_missing_page_keeps_no_reader_waiting():
    for _ in range(3):
        started = time.monotonic()
        assert Client().get("/essays/no-such-essay/").status_code == 404
        assert time.monotonic() - started < 1  # no render claim left behind by the last one


def test_a_cached_feed_or_robots_txt_keeps_its_content_type():
    make_article()
    for url in (reverse("articles:feed"), reverse("robots")):
        first, kept = Client().get(url), Client().get(url)
        assert kept.content == first.content
        assert kept["Content-Type"] == first["Content-Type"] != "text/html; charset=utf-8", url


def test_a_revalidating_browser_gets_304(client):
    make_article()
    first = Client().get(HOME)
    again = Client().get(HOME, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_signed_in_pages_stay_private_and_keep_csrf_protection():
    article = make_article("Staff view")
    Client().get(article.get_absolute_url())  # cached for readers
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(make_editor())
    response = editor.get(article.get_absolute_url())
    assert response.context is not None  # rendered for them, not replayed
    assert "private" in response["Cache-Control"] and "Surrogate-Key" not in response
    assert b"csrfmiddlewaretoken" in response.content
    url = reverse("comments:post", args=[article.slug])
    same_site = {"HTTP_SEC_FETCH_SITE": "same-origin"}
    assert editor.post(url, comment_data(article), **same_site).status_code == 403  # no token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]
    data = comment_data(article, csrfmiddlewaretoken=token)
    assert editor.post(url, data, **same_site).status_code == 302


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"HTTP_SEC_FETCH_SITE": "same-origin"}, 302),
        ({"HTTP_ORIGIN": "http://testserver"}, 302),
        ({"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"}, 403),
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, 403),
        ({"HTTP_ORIGIN": "https://evil.example"}, 403),
        ({"HTTP_ORIGIN": "null"}, 403),
        ({}, 403),
    ],
)
def test_an_anonymous_comment_must_come_from_this_site(headers, status):
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", args=[article.slug])
    assert reader.post(url, comment_data(article), **headers).status_code == status
    assert Comment.objects.count() == (1 if status == 302 else 0)


def test_a_commenters_own_pending_comment_is_never_shared():
    article = make_article()
    Client().get(article.get_absolute_url())  # cache the page
    author = Client()
    url = reverse("comments:post", args=[article.slug])
    author.post(url, comment_data(article, text="Mine only"))
    mine = author.get(article.get_absolute_url())
    assert "Mine only" in mine.text and "awaiting moderation" in mine.text
    assert "private" in mine["Cache-Control"] and "Surrogate-Key" not in mine
    other = Client().get(article.get_absolute_url())
    assert "Mine only" not in other.text and "awaiting moderation" not in other.text
    Comment.objects.update(status=Comment.Status.REMOVED)
    author.get(article.get_absolute_url())  # decided: the session forgets it
    assert author.cookies["sessionid"].value == ""  # deleted, so the browser drops it
    for name in [name for name, morsel in author.cookies.items() if not morsel.value]:
        del author.cookies[name]  # as a browser does with an expired cookie
    assert "public" in author.get(article.get_absolute_url())["Cache-Control"]


def test_approving_a_comment_purges_that_essay_and_its_lists_only(
    moderator_client, django_assert_max_num_queries
):
    article, other = make_article("Commented"), make_article("Unrelated")
    comment = make_comment(article, status="pending", text="Held words")
    reader = Client()
    for url in (article.get_absolute_url(), other.get_absolute_url(), HOME):
        reader.get(url)
    PURGED.clear()
    moderator_client.post(reverse("admin:comments_comment_moderate", args=[comment.pk, "approved"]))
    assert [sorted(["comments", f"comments-{article.pk}"])] == PURGED
    page = reader.get(article.get_absolute_url()).text
    assert "Held words" in page and "1 comment</h2>" in page
    assert ">1 comment<" in reader.get(HOME).text
    with django_assert_max_num_queries(0):
        assert reader.get(other.get_absolute_url()).status_code == 200  # still cached
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
    assert {"home", "feed", f"essay-{draft.pk}", f"section-{draft.section_id}"} <= set(PURGED[-1])

    draft.refresh_from_db()
    draft.title = "Fresh piece, revised"
    draft.save()
    assert "Fresh piece, revised" in reader.get(HOME).text
    assert "Fresh piece, revised" in reader.get(draft.get_absolute_url()).text

    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert "Fresh piece" not in reader.get(HOME).text
    assert reader.get(draft.get_absolute_url()).status_code == 404


def test_renaming_a_section_purges_the_essays_that_name_it():
    article = make_article()
    Client().get(article.get_absolute_url())
    PURGED.clear()
    section = article.section
    section.name = "Renamed section"
    section.save()
    assert {f"section-{section.pk}", f"essay-{article.pk}"} <= {k for keys in PURGED for k in keys}
    assert "Renamed section" in Client().get(article.get_absolute_url()).text


def test_no_lifetime_crosses_the_next_scheduled_essay(time_machine, settings):
    settings.EDGE_MAX_AGE = 3600
    make_article("Already out")
    make_article("Soon out", published_at=timezone.now() + timedelta(seconds=90))
    reader = Client()
    response = reader.get(HOME)
    max_age = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])
    assert 80 <= max_age <= 90
    assert "Soon out" not in reader.get(HOME).text  # from the cache
    time_machine.move_to(timezone.now() + timedelta(seconds=91), tick=False)
    assert "Soon out" in reader.get(HOME).text


def test_a_page_rendered_just_before_an_essay_goes_live_is_not_shared_past_it(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_article("Soon out", published_at=timezone.now() + timedelta(milliseconds=500))
    response = Client().get(HOME)
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=0, stale-while-revalidate=0"


def test_a_future_dated_draft_does_not_shorten_page_lifetimes(settings):
    settings.EDGE_MAX_AGE = 3600
    make_article("Out")
    make_article(
        "Not yet", status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(seconds=90)
    )
    assert max_age(Client().get(HOME)) == 3600  # a draft goes live only when published


def test_scheduling_an_essay_plans_a_purge_at_its_time(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    when = timezone.now() + timedelta(hours=3)
    article = make_article("Later", published_at=when)
    planned = [r for r in default_task_backend.results if r.task.run_after == when]
    assert planned and {"home", f"essay-{article.pk}"} <= set(planned[0].kwargs["keys"])


def test_comments_close_on_cached_pages_when_their_time_comes(settings, time_machine):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article(published_at=timezone.now() - timedelta(days=29, hours=23))
    reader = Client()
    assert 'name="text"' in reader.get(article.get_absolute_url()).text
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    assert "Comments are closed." in reader.get(article.get_absolute_url()).text


def test_stray_query_parameters_share_one_cache_entry(django_assert_max_num_queries):
    make_article()
    Client().get(HOME)
    with django_assert_max_num_queries(0):
        response = Client().get(HOME, {"utm_source": "newsletter", "fbclid": "x"})
    assert response.status_code == 200


def test_the_site_keeps_working_when_the_cache_server_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    article = make_article("Still served")
    reader = Client()
    assert "Still served" in reader.get(HOME).text
    assert "public" in reader.get(article.get_absolute_url())["Cache-Control"]
    response = reader.post(
        reverse("comments:post", args=[article.slug]), comment_data(article, text="Kept")
    )
    assert response.status_code == 302
    assert Comment.objects.filter(text="Kept").exists()


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_personal_page_is_private_no_cache_and_varies_on_cookie():
    article = make_article()
    author = Client()
    author.post(reverse("comments:post", args=[article.slug]), comment_data(article, text="Mine"))
    author.get(article.get_absolute_url())  # uses up the "awaiting moderation" message
    own = author.get(article.get_absolute_url())
    assert "Mine" in own.text
    assert {"private", "no-cache"} <= directives(own) and "public" not in own["Cache-Control"]
    assert "Cookie" in [name.strip() for name in own["Vary"].split(",")]


def test_a_cached_copy_is_never_shared_for_longer_than_the_origin_keeps_it(settings):
    settings.PAGE_CACHE_SECONDS, settings.EDGE_MAX_AGE = 30, 3600
    make_article("Kept briefly")
    Client().get(HOME)
    hit = Client().get(HOME)  # from the origin's store
    assert "Kept briefly" in hit.text
    max_age = int(re.search(r"s-maxage=(\d+)", hit["Cache-Control"])[1])
    assert 0 < max_age <= 30


@pytest.mark.parametrize("kind", ["redirect", "not found", "sets a cookie", "streaming"])
def test_a_response_that_is_not_a_plain_page_is_never_shared(kind, rf):
    from django.http import HttpResponse, StreamingHttpResponse

    from core.edge.pages import cached_page

    rendered = []

    def view(request):
        rendered.append(kind)
        if kind == "streaming":
            return StreamingHttpResponse(iter([b"streamed"]))
        response = HttpResponse("page", status={"redirect": 302, "not found": 404}.get(kind, 200))
        if kind == "sets a cookie":
            response.set_cookie("reader", "personal")
        return response

    served = cached_page(view)
    for _ in range(2):
        response = served(rf.get("/plain/"))
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert rendered == [kind, kind]  # not kept in the store either


def max_age(response) -> int:
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])


def test_a_change_scheduled_after_a_page_was_kept_still_ends_its_lifetime(
    settings, django_assert_max_num_queries
):
    settings.EDGE_MAX_AGE = 3600
    about = Page.objects.create(title="About", slug="about", body="Us.", status="published")
    make_article("Already out")
    reader = Client()
    assert max_age(reader.get(about.get_absolute_url())) > 3000  # kept: nothing is due
    make_article("Soon out", published_at=timezone.now() + timedelta(seconds=90))
    assert "Soon out" not in reader.get(HOME).text  # reads the new next change
    with django_assert_max_num_queries(0):
        kept = reader.get(about.get_absolute_url())  # from the origin's copy, made before
    assert 0 < max_age(kept) <= 90 and "stale-while-revalidate=0" in kept["Cache-Control"]


def test_each_page_of_results_is_kept_apart_and_purged_by_its_address(settings):
    settings.ARTICLES_PER_PAGE = 1
    newer, older = make_article("Alpha essay"), make_article("Beta essay")
    reader = Client()
    search = reverse("articles:search")
    for _ in range(2):  # rendered, then from the origin's copy
        assert "Beta essay" not in reader.get(search, {"q": "Alpha"}).text
        assert "Alpha essay" not in reader.get(search, {"q": "Beta"}).text
        one, two = (reader.get(search, {"q": "essay", "page": n}).text for n in ("1", "2"))
        assert ("Alpha essay" in one) != ("Alpha essay" in two)
        assert "Beta essay" in reader.get(HOME, {"page": "2"}).text
        assert "Alpha essay" in reader.get(HOME).text
        assert "Beta essay" in reader.get(newer.get_absolute_url()).text
    older.save()  # an edit: its pages are purged at the edge by address as well as by key
    assert {
        f"http://testserver{newer.get_absolute_url()}",  # its previous link names the essay
        f"http://testserver{search}?q=essay&page=2",
        "http://testserver/?page=2",
        "http://testserver/",  # the address readers use, not "/?page="
    } <= PURGED_URLS
    assert not any(url.endswith(("?page=", "&page=")) for url in PURGED_URLS)


def test_readers_of_a_page_being_rendered_wait_for_it_instead_of_rendering_it_too(rf):
    import threading

    from django.db import connection
    from django.http import HttpResponse

    from core.edge.pages import cached_page

    rendering, finish, rendered, served = threading.Event(), threading.Event(), [], []

    def view(request):
        rendered.append(request)
        rendering.set()
        finish.wait(10)
        return HttpResponse(f"page {len(rendered)}")

    def read():
        try:
            served.append(cached_page(view)(rf.get("/slow/")))
        finally:
            connection.close()

    Client().get(HOME)  # the store already knows the next timed change (none)
    first, second = threading.Thread(target=read), threading.Thread(target=read)
    first.start()
    assert rendering.wait(10)
    second.start()
    time.sleep(0.3)  # the second reader finds the page being rendered
    finish.set()
    first.join(10), second.join(10)
    assert len(rendered) == 1
    assert [response.content for response in served] == [b"page 1", b"page 1"]
    assert all("public" in response["Cache-Control"] for response in served)


def test_a_page_whose_data_changed_while_it_rendered_is_not_kept(rf):
    from django.http import HttpResponse

    from core.edge.keys import tag
    from core.edge.pages import cached_page
    from core.edge.purge import changed

    versions = []

    def view(request):
        tag(request, "essay-1")
        versions.append(len(versions) + 1)
        if len(versions) == 1:
            changed("essay-1")  # an editor saves the essay while the page renders
        return HttpResponse(f"version {versions[-1]}")

    served = cached_page(view)
    first = served(rf.get("/changing/"))
    assert first.content == b"version 1" and "private" in first["Cache-Control"]
    for _ in range(2):  # the next render is kept
        response = served(rf.get("/changing/"))
        assert response.content == b"version 2" and "public" in response["Cache-Control"]


@pytest.mark.parametrize("failing", ["release", "set_next_change"])
def test_a_cache_failure_during_a_render_still_answers_the_page(failing, monkeypatch):
    from core.cache import CacheUnavailable
    from core.edge.store import LocalStore

    def down(*args, **kwargs):
        raise CacheUnavailable("Redis went away")

    monkeypatch.setattr(LocalStore, failing, down)
    article = make_article("Still there")
    reader = Client()
    assert "Still there" in reader.get(article.get_absolute_url()).text
    assert reader.get("/essays/no-such-essay/").status_code == 404
    assert reader.get(reverse("articles:page", args=["no-such-page"])).status_code == 404


def test_pages_kept_in_redis_are_served_without_a_query_until_the_next_change(
    settings, django_assert_max_num_queries
):
    from tests.core.test_edge_store import redis_up
    from tests.workers import redis_url

    if not redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.EDGE_MAX_AGE = 3600
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": redis_url(13)}}
    from django.core.cache import cache

    cache._cache.get_client(write=True).flushdb()
    make_article("Kept in Redis")
    reader = Client()
    first = reader.get(HOME)
    with django_assert_max_num_queries(0):
        again = reader.get(HOME)
    assert again.content == first.content and "Kept in Redis" in again.text
    assert max_age(again) > 3000
    make_article("Soon out", published_at=timezone.now() + timedelta(seconds=90))
    assert 0 < max_age(reader.get(HOME)) <= 90
    with django_assert_max_num_queries(0):
        assert 0 < max_age(reader.get(HOME)) <= 90
