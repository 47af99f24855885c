"""Faults survived: the database away, the cache server away, an email server refusing."""

import logging
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from core.models import OutgoingEmail
from tests.factories import comment_data, make_article, make_moderator

pytestmark = pytest.mark.django_db


def test_database_unreachable_gives_a_friendly_503_and_recovers(client, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article("Still here")
    client.raise_request_exception = False

    def unreachable(self):
        raise OperationalError("could not connect to server: Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
        for url in [reverse("articles:home"), article.get_absolute_url(), reverse("articles:feed")]:
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            assert "Back shortly" in response.text and "Traceback" not in response.text
    assert "Still here" in client.get(reverse("articles:home")).text  # back by itself


def test_an_email_server_refusing_connections_loses_no_comment(
    client, settings, caplog, django_capture_on_commit_callbacks
):
    make_moderator("mod")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    article = make_article()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comments:post", args=[article.slug]), comment_data(article, text="Kept")
        )
    assert response.status_code == 302
    assert Comment.objects.filter(text="Kept").exists()
    assert "retrying: ConnectionRefusedError" in caplog.text
    assert OutgoingEmail.objects.get().status == "queued"  # kept for the next attempt


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free, and nothing listens once the socket closes


@pytest.fixture
def redis_server():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = closed_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield process, port
    process.send_signal(signal.SIGCONT)
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)  # purges run when the edit commits
def test_cache_server_stopping_mid_run(redis_server, settings):
    process, port = redis_server
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.PAGE_CACHE_SECONDS = 3600
    article = make_article("Before")
    reader = Client()
    assert "Before" in reader.get(reverse("articles:home")).text  # cached in Redis

    process.send_signal(signal.SIGSTOP)  # Redis stops answering, its data kept
    try:
        assert reader.get(reverse("articles:home")).status_code == 200
        posted = Client().post(
            reverse("comments:post", args=[article.slug]),
            comment_data(article, text="During the outage"),
        )
        assert posted.status_code == 302
        article.title = "Edited while Redis was away"
        article.save()
        assert "Edited while Redis was away" in reader.get(reverse("articles:home")).text
    finally:
        process.send_signal(signal.SIGCONT)  # back, with the old cached pages still inside

    page = reader.get(reverse("articles:home")).text
    assert "Edited while Redis was away" in page and ">Before<" not in page
    assert Comment.objects.filter(text="During the outage").exists()
