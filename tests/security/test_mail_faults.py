"""Mail faults against a live server, a real `db_worker` and real SMTP servers on loopback.

A mail server that accepts connections and never answers must hold up no request, and once a
working server is back every queued email arrives exactly once; a worker killed in the middle
of a send must not lose the email nor send it twice.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from core.models import OutgoingEmail
from tests.factories import comment_data, make_article, make_comment, make_moderator
from tests.security.live import csrf_token, fetch, form_post, reader
from tests.security.mailserver import SilentServer, recording_server
from tests.security.test_faults import closed_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="the worker is another process: it needs a database server, not in-memory SQLite",
    ),
]
ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue(settings):
    """The live server enqueues into the database, as in production; nothing sends inline."""
    settings.TASKS = DATABASE_TASKS
    settings.TRUSTED_PROXY_COUNT = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # never used here
    return closed_port()


def start_worker(smtp_port: int) -> subprocess.Popen:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "1",
        "EMAIL_RETRY_SECONDS": "1",
        "EMAIL_SEND_LEASE_SECONDS": "3",
        "TASK_SWEEP_SECONDS": "0.5",
    }
    command = ["manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload"]
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def post_comment(live_server, article, n: int, **fields):
    opener = reader(n)
    status, html = fetch(opener, live_server.url + article.get_absolute_url())
    assert status == 200
    data = comment_data(article, **fields)
    started = time.monotonic()
    status, _ = form_post(
        opener, live_server.url + reverse("comments:post", args=[article.slug]), data
    )
    return status, time.monotonic() - started


def timed_get(url: str):
    started = time.monotonic()
    status, _ = fetch(reader(90), url)
    return status, time.monotonic() - started


def approve_as_moderator(live_server, comment) -> tuple[int, float]:
    """Sign in through the admin's login form and click Approve, as a moderator would."""
    opener = reader(80)
    login = live_server.url + reverse("admin:login")
    _, html = fetch(opener, login)
    fields = {"username": "mod", "password": "pw-moderator-1", "next": "/"}
    status, _ = form_post(opener, login, fields | {"csrfmiddlewaretoken": csrf_token(html)})
    assert status == 302
    change = live_server.url + reverse("admin:comments_comment_change", args=[comment.pk])
    _, html = fetch(opener, change)
    approve = live_server.url + reverse(
        "admin:comments_comment_moderate", args=[comment.pk, "approved"]
    )
    started = time.monotonic()
    status, _ = form_post(opener, approve, {"csrfmiddlewaretoken": csrf_token(html)})
    return status, time.monotonic() - started


def test_a_mail_server_that_never_answers_holds_up_nobody_and_every_email_arrives_once(
    live_server, queue
):
    make_moderator("mod")
    article = make_article("Night buses")
    asker = make_comment(article, author_email="asker@example.org", notify_replies=True)
    silent = SilentServer(queue)
    worker = start_worker(queue)
    controller = None
    try:
        for n in range(3):
            status, seconds = post_comment(live_server, article, n, text=f"Held comment {n}")
            assert status == 302 and seconds < 1, (status, seconds)
        status, seconds = post_comment(
            live_server, article, 3, text="A reply to the asker", parent=str(asker.pk)
        )
        assert status == 302 and seconds < 1
        wait_for(lambda: OutgoingEmail.objects.filter(attempts__gte=1).count() == 4, 20,
                 "the worker to try (and time out on) the four moderator notices")  # fmt: skip

        # The worker is stuck on a server that never answers; readers and moderators are not.
        for url in [article.get_absolute_url(), reverse("robots")]:
            status, seconds = timed_get(live_server.url + url)
            assert status == 200 and seconds < 1, (url, seconds)
        reply = article.comments.get(text="A reply to the asker")
        status, seconds = approve_as_moderator(live_server, reply)
        assert status == 302 and seconds < 1
        wait_for(lambda: OutgoingEmail.objects.count() == 5, 10, "the reply notice to be queued")
        assert not OutgoingEmail.objects.filter(status="sent").exists()
        assert "timed out" in OutgoingEmail.objects.exclude(last_error="").first().last_error
        assert silent.accepted  # it really was connected to, and said nothing

        silent.close()  # a working server takes its place, on the same port
        controller, inbox = recording_server(queue)
        wait_for(lambda: not OutgoingEmail.objects.exclude(status="sent").exists(), 60,
                 "every queued email to be sent once the server is back")  # fmt: skip
        time.sleep(2)  # retries already scheduled must not send anything again
        queued_ids = sorted(OutgoingEmail.objects.values_list("message_id", flat=True))
        assert sorted(inbox.message_ids()) == queued_ids  # each exactly once
        to = sorted(address for item in inbox.messages for address in item["to"])
        assert to == ["asker@example.org"] + ["mod@example.org"] * 4
        reply_mail = next(m["message"] for m in inbox.messages if m["to"] == ["asker@example.org"])
        assert "Night buses" in reply_mail["Subject"] and reply_mail["List-Unsubscribe"]
    finally:
        stop(worker)
        silent.close()
        if controller:
            controller.stop()


def test_a_worker_killed_mid_send_still_delivers_the_email_once(live_server, queue):
    make_moderator("mod")
    article = make_article()
    controller, inbox = recording_server(queue)
    inbox.stall = True  # the first delivery hangs after the message was sent, before the "250"
    worker = start_worker(queue)
    replacement = None
    try:
        status, _ = post_comment(live_server, article, 1, text="Please moderate me")
        assert status == 302
        assert inbox.stalled.wait(20), "the worker never reached the SMTP server"
        worker.kill()  # in the middle of the SMTP conversation
        worker.wait(timeout=10)
        assert inbox.messages == []  # the server never accepted that attempt

        replacement = start_worker(queue)
        wait_for(lambda: OutgoingEmail.objects.filter(status="sent").exists(), 30,
                 "the email to be sent by the next worker")  # fmt: skip
        time.sleep(2)
        email = OutgoingEmail.objects.get()
        assert inbox.message_ids() == [email.message_id]  # arrived, once
        assert email.attempts == 2
        assert "Please moderate me" in inbox.messages[0]["message"].get_content()
    finally:
        stop(worker)
        if replacement:
            stop(replacement)
        controller.stop()
