"""Who may reach what: anonymous visitors, a reader with an account, an editor, a moderator."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import make_article, make_comment, make_editor, make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    article = make_article()
    comment = make_comment(article, status="pending")
    reader = get_user_model().objects.create_user("reader", email="reader@example.org")
    clients = {"anonymous": Client()}
    for name, user in [
        ("reader", reader),
        ("editor", make_editor()),
        ("moderator", make_moderator()),
    ]:
        clients[name] = Client()
        clients[name].force_login(user)
    return article, comment, clients


PAGES = {
    "public essay": lambda a, c: a.get_absolute_url(),
    "admin index": lambda a, c: reverse("admin:index"),
    "essay admin": lambda a, c: reverse("admin:articles_article_changelist"),
    "essay editor": lambda a, c: reverse("admin:articles_article_change", args=[a.pk]),
    "image admin": lambda a, c: reverse("admin:articles_image_changelist"),
    "moderation queue": lambda a, c: reverse("admin:comments_comment_changelist"),
    "blocklist": lambda a, c: reverse("admin:comments_blocklistentry_changelist"),
    "user admin": lambda a, c: reverse("admin:auth_user_changelist"),
    "group admin": lambda a, c: reverse("admin:auth_group_changelist"),
}
# What each kind of visitor gets: 200 = allowed, 302 = sent to the login page, 403 = refused.
EXPECTED = {
    "anonymous": {"public essay": 200, **{page: 302 for page in PAGES if page != "public essay"}},
    "reader": {"public essay": 200, **{page: 302 for page in PAGES if page != "public essay"}},
    "editor": {
        "public essay": 200, "admin index": 200, "essay admin": 200, "essay editor": 200,
        "image admin": 200, "moderation queue": 403, "blocklist": 403, "user admin": 403,
        "group admin": 403,
    },
    "moderator": {
        "public essay": 200, "admin index": 200, "essay admin": 403, "essay editor": 403,
        "image admin": 403, "moderation queue": 200, "blocklist": 200, "user admin": 403,
        "group admin": 403,
    },
}  # fmt: skip


@pytest.mark.parametrize("who", EXPECTED)
def test_each_role_reaches_exactly_what_it_should(world, who):
    article, comment, clients = world
    got = {page: clients[who].get(url(article, comment)).status_code for page, url in PAGES.items()}
    assert got == EXPECTED[who]


@pytest.mark.parametrize(
    "who, allowed",
    [("anonymous", False), ("reader", False), ("editor", False), ("moderator", True)],
)
def test_only_moderators_can_moderate(world, who, allowed):
    article, comment, clients = world
    clients[who].post(reverse("admin:comments_comment_moderate", args=[comment.pk, "approved"]))
    comment.refresh_from_db()
    assert (comment.status == "approved") is allowed


def test_admin_login_is_locked_after_repeated_failures(client, settings):
    get_user_model().objects.create_user("victim", password="right-password-123", is_staff=True)
    login = reverse("admin:login")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(login, {"username": "victim", "password": "wrong"})
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    locked = client.post(login, {"username": "victim", "password": "right-password-123"})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.text
    other = Client(REMOTE_ADDR="192.0.2.99")  # another address is not locked out
    assert (
        other.post(login, {"username": "victim", "password": "right-password-123"}).status_code
        == 302
    )


def test_admin_url_is_configurable():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    env = {
        **os.environ,
        "ADMIN_URL": "back-office-7f3a/",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "/back-office-7f3a/"


def test_one_address_trying_many_usernames_is_locked_out(client, settings):
    login = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": f"guess{n}", "password": "wrong"})
    assert client.post(login, {"username": "another", "password": "x"}).status_code == 429


def test_odd_essay_filter_values_in_the_moderation_queue(world):
    _, _, clients = world
    url = reverse("admin:comments_comment_changelist")
    for value in ["²", "abc", "-1", "99999999"]:
        assert clients["moderator"].get(url, {"article__id__exact": value}).status_code == 200
