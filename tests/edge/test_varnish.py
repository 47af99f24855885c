"""The edge for real: Varnish in front of two app nodes, on loopback, started by this module.

Real here: varnishd 7 running the shipped deploy/varnish/site.vcl unmodified (with the xkey
vmod); only backends.vcl is this module's own (the two nodes' ports, round robin, a probe on
/healthz), found first in vcl_path. Two gunicorn processes in production mode (DEBUG=0,
config/gunicorn.conf.py) share the test database and a Redis database of their own (origin page
store, comment rate limit); one `db_worker` runs the purge tasks, which PURGE Varnish over HTTP.
The test process writes as an editor's node would: its saves purge the same Redis and enqueue
into the same task queue. Readers are HTTP clients with their own cookies and loopback
addresses, sending what nginx in front would add (X-Forwarded-Proto: https). Nothing is mocked.
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.factories import make_article, make_comment, make_moderator
from tests.security.test_front_door import (
    HOST,
    collect_static,
    free_port,
    production_env,
    stop,
    wait_until_up,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"  # this module's own database, emptied before each test
RATE_LIMIT = "5/1d"
AWAITING = "Awaiting moderation — only you can see this"


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache")  # set by site.vcl

    @property
    def age(self) -> int:
        return int(self.headers["Age"])

    @property
    def stored_object(self) -> str:
        """Which cached object answered: a hit's X-Varnish is "<this request> <its fetch>"."""
        return self.headers["X-Varnish"].split()[-1]


@dataclass
class Reader:
    """A browser: its own cookies and loopback address (its client address, with or without
    Varnish between), as behind nginx (HTTPS, the site's Host)."""

    address: str = "127.0.0.1"
    cookies: dict = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, fields=None) -> Page:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"  # what a browser sends with a form post
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=10, source_address=(self.address, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            page = Page(response.status, response.headers, response.read().decode())
        finally:
            conn.close()
        for value in page.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return page

    def get(self, port: int, path: str) -> Page:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, fields: dict) -> Page:
        return self.request(port, "POST", path, fields)


@dataclass
class Stack:
    varnish: int  # the port readers use
    nodes: list[int]  # each gunicorn, for requests that skip Varnish
    varnish_dir: Path
    worker: subprocess.Popen
    worker_log: Path

    def settle(self, seconds: float = 10) -> None:
        """Wait until the worker has run every task that is due (the purges of a test's saves)."""
        deadline = time.monotonic() + seconds
        while DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists():
            assert self.worker.poll() is None, self.worker_log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not run the queued purges"
            time.sleep(0.05)

    def empty_varnish(self) -> None:
        subprocess.run(
            ["varnishadm", "-n", str(self.varnish_dir), "ban", "obj.status != 0"],
            check=True,
            capture_output=True,
        )


def backends_vcl(ports: list[int]) -> str:
    """The nodes, as deploy/varnish/backends.vcl describes them, on this module's ports."""
    nodes = "".join(
        f'backend node{n} {{ .host = "127.0.0.1"; .port = "{port}"; .probe = healthz; }}\n'
        for n, port in enumerate(ports, 1)
    )
    added = "".join(f"    nodes.add_backend(node{n});\n" for n in range(1, len(ports) + 1))
    return f"""import directors;

probe healthz {{ .url = "/healthz"; .interval = 0.5s; .timeout = 1s; .window = 5; .threshold = 3; }}
{nodes}
sub vcl_init {{
    new nodes = directors.round_robin();
{added}}}

sub pick_node {{
    set req.backend_hint = nodes.backend();
}}
"""


def answers_health(port: int) -> bool:
    return Reader().get(port, "/healthz").status == 200


def healthy_backends(varnish_dir: Path) -> int:
    listed = subprocess.run(
        ["varnishadm", "-n", str(varnish_dir), "backend.list"], capture_output=True, text=True
    )
    # "boot.node1   probe   5/5   healthy ..." (the director's own line is "boot.nodes")
    return len(re.findall(r"(?m)^\S+\.node\d+\s.*\bhealthy\b", listed.stdout))


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory):
    varnishd = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
    if varnishd is None or shutil.which("varnishadm") is None:
        pytest.skip("Varnish is not installed (apt-get install varnish varnish-modules)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:"):
        pytest.skip("the nodes are other processes: they cannot see an in-memory SQLite database")

    work = tmp_path_factory.mktemp("edge")
    ports = [free_port(), free_port()]
    varnish_port = free_port()
    (work / "backends.vcl").write_text(backends_vcl(ports))
    varnish = [
        varnishd,
        "-f",
        str(ROOT / "deploy" / "varnish" / "site.vcl"),
        "-p",
        f"vcl_path={work}:{ROOT / 'deploy' / 'varnish'}",
        "-n",
        str(work / "varnish"),
    ]
    if os.geteuid() == 0:
        # Under the unix jail the VCL compiler runs as the varnish user, which cannot read
        # pytest's private temp dir: it would silently include the shipped backends.vcl instead.
        varnish += ["-j", "none"]
    compiled = subprocess.run([*varnish, "-C"], capture_output=True, text=True)
    if compiled.returncode != 0 and "xkey" in compiled.stderr:
        pytest.skip(
            f"the xkey vmod is missing (apt-get install varnish-modules): {compiled.stderr}"
        )
    assert compiled.returncode == 0, compiled.stderr  # the shipped VCL compiles

    env = production_env(
        work,
        "edge-test-only-4b8e1f6a2c9d7e3b5a0f8c1d",
        REDIS_URL=REDIS_URL,
        EDGE_CACHE_BACKEND="varnish",
        VARNISH_URLS=f"http://127.0.0.1:{varnish_port}",
        COMMENTS_MIN_SECONDS="0",
        COMMENTS_RATE_LIMIT=RATE_LIMIT,
        WEB_CONCURRENCY="2",
    )
    started = time.monotonic()
    collect_static(env)
    processes, logs = [], []

    def start(command, log_name, **extra):
        log = work / log_name
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env={**env, **extra}, stdout=out, stderr=subprocess.STDOUT
            )
        processes.append(process)
        logs.append(log)
        return process, log

    try:
        for n, port in enumerate(ports, 1):
            gunicorn = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
            # Its own control socket: two gunicorns on one host would share ~/.gunicorn/'s.
            control = ["--control-socket", str(work / f"node{n}.ctl"), "config.wsgi"]
            node = start([*gunicorn, *control], f"node{n}.log", BIND=f"127.0.0.1:{port}")
            wait_until_up(partial(answers_health, port), *node, f"node {n}")
        db_worker = ["manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"]
        worker = start([sys.executable, *db_worker, "--no-reload"], "worker.log")
        cache = start(
            [*varnish, "-F", "-a", f"127.0.0.1:{varnish_port}", "-s", "malloc,64m"], "varnish.log"
        )
        wait_until_up(lambda: healthy_backends(work / "varnish") == len(ports), *cache, "varnishd")
        print(f"edge stack up in {time.monotonic() - started:.1f} s")
        yield Stack(varnish_port, ports, work / "varnish", *worker)
    finally:
        for process in processes:
            process.terminate()  # all at once; then wait for each
        for process in reversed(processes):
            stop(process)
        for log in logs:  # shown by pytest when a test failed
            print(f"--- {log.name}\n{log.read_text()[-2000:]}")


@pytest.fixture
def edge(stack, settings):
    """Each test starts with nothing cached (Varnish, Redis) and a fresh comment allowance; the
    test process saves as a node would (same Redis, same queue, same Varnish)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.EDGE_CACHE = {
        "BACKEND": "varnish",
        "LOCATIONS": [f"http://127.0.0.1:{stack.varnish}"],
    }
    redis.Redis.from_url(REDIS_URL).flushdb()
    stack.empty_varnish()
    yield stack
    stack.settle()  # the database is emptied next: no task may be running then


def poll(read, seen, *, seconds: float = 5):
    """read() every 50 ms until seen(result); returns (result, seconds it took)."""
    started = time.monotonic()
    while True:
        result = read()
        took = time.monotonic() - started
        if seen(result):
            return result, took
        assert took < seconds, f"not seen after {took:.1f} s"
        time.sleep(0.05)


def form_token(page: Page) -> str:
    return re.search(r'name="token" value="([^"]+)"', page.text)[1]


def comment_fields(token: str, text: str) -> dict:
    """The comment form as a reader fills it in; the honeypot stays empty."""
    return {
        "name": "Ada",
        "email": "ada@example.org",
        "text": text,
        "leave_blank": "",
        "token": token,
    }


def csrf_token(page: Page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def moderator_with_password(password: str = "pw-moderator-1"):
    user = make_moderator("mod")
    # The nodes check passwords with the production hashers, not the tests' fast MD5 one.
    user.password = PBKDF2PasswordHasher().encode(password, "edge-salt", iterations=1000)
    user.save(update_fields=["password"])
    return password


def sign_in(reader: Reader, port: int, password: str) -> None:
    login = reverse("admin:login")
    fields = {
        "csrfmiddlewaretoken": csrf_token(reader.get(port, login)),
        "username": "mod",
        "password": password,
        "next": "/",
    }
    assert reader.post(port, login, fields).status == 302
    assert "sessionid" in reader.cookies


def approve(reader: Reader, port: int, comment: Comment) -> float:
    """Click Approve on the comment's admin page; returns when the click was answered."""
    change = reader.get(port, reverse("admin:comments_comment_change", args=[comment.pk]))
    assert change.status == 200
    url = reverse("admin:comments_comment_moderate", args=[comment.pk, "approved"])
    answered = reader.post(port, url, {"csrfmiddlewaretoken": csrf_token(change)})
    assert answered.status == 302, answered.text[:300]
    return time.monotonic()


def test_an_essay_is_fetched_once_then_served_by_varnish_to_every_reader(edge):
    essay = make_article("On slow trains")
    edge.settle()
    path = essay.get_absolute_url()

    first = Reader("127.0.0.2").get(edge.varnish, path)
    assert first.status == 200 and "On slow trains" in first.text
    assert first.cache == "MISS"
    assert "s-maxage=" in first.headers["Cache-Control"]
    # Another reader, with an analytics cookie and a campaign tag: the same stored copy.
    other = Reader("127.0.0.3", cookies={"_ga": "GA1.2.3", "csrftoken": "old"})
    second = other.get(edge.varnish, path + "?utm_source=newsletter")
    assert second.status == 200 and second.cache == "HIT"
    assert second.age >= 0 and second.text == first.text
    for page in (first, second):
        assert page.headers.get("Set-Cookie") is None
        assert "xkey" not in page.headers and "Surrogate-Key" not in page.headers
        assert 'name="csrfmiddlewaretoken"' not in page.text

    # A reader cannot empty the cache: PURGE is for the site's own loopback address only.
    conn = http.client.HTTPConnection("127.0.0.1", edge.varnish, source_address=("127.0.0.3", 0))
    conn.request("PURGE", "/", headers={"Host": HOST, "xkey-purge": f"essay-{essay.pk}"})
    assert conn.getresponse().status == 403
    conn.close()
    assert other.get(edge.varnish, path).cache == "HIT"


def test_an_approved_comment_shows_within_a_second_and_other_essays_stay_cached(edge):
    essay = make_article("Night trains")
    other = make_article("Canal walks")
    held = make_comment(essay, status="pending", text="The sleeper to Inverness, every time.")
    password = moderator_with_password()
    edge.settle()
    reader = Reader("127.0.0.2")
    assert reader.get(edge.varnish, essay.get_absolute_url()).cache == "MISS"
    before = reader.get(edge.varnish, essay.get_absolute_url())
    assert before.cache == "HIT" and held.text not in before.text
    assert reader.get(edge.varnish, other.get_absolute_url()).cache == "MISS"
    other_before = reader.get(edge.varnish, other.get_absolute_url())
    assert other_before.cache == "HIT"
    cached_at = time.monotonic()

    moderator = Reader("127.0.0.9")
    sign_in(moderator, edge.nodes[0], password)
    clicked = approve(moderator, edge.nodes[0], held)

    page, _ = poll(
        lambda: reader.get(edge.varnish, essay.get_absolute_url()),
        lambda page: held.text in page.text,
    )
    shown_after = time.monotonic() - clicked
    print(f"approved comment shown through Varnish {shown_after * 1000:.0f} ms after the click")
    assert shown_after < 1
    assert page.status == 200 and AWAITING not in page.text

    time.sleep(max(0, cached_at + 1.05 - time.monotonic()))  # Age counts whole seconds
    other_after = reader.get(edge.varnish, other.get_absolute_url())
    assert other_after.cache == "HIT"
    assert other_after.stored_object == other_before.stored_object  # the same copy, not purged
    assert other_after.age > other_before.age


def test_a_scheduled_essay_appears_on_the_home_page_at_its_time_not_before(edge):
    make_article("Already out")
    edge.settle()
    reader = Reader("127.0.0.2")
    assert reader.get(edge.varnish, "/").cache == "MISS"
    assert reader.get(edge.varnish, "/").cache == "HIT"

    due = timezone.now() + timedelta(seconds=3)
    essay = make_article("The essay of tomorrow", published_at=due)
    edge.settle()
    early = reader.get(edge.varnish, essay.get_absolute_url())
    assert early.status == 404  # a reader who has the link early

    def look():
        home = reader.get(edge.varnish, "/")
        return time.time(), home  # when the answer arrived, by the clock `due` is on

    (seen_at, home), _ = poll(look, lambda found: essay.title in found[1].text, seconds=10)
    late = seen_at - due.timestamp()
    print(f"scheduled essay on the home page {late * 1000:.0f} ms after its time ({home.cache})")
    assert 0 <= late < 1  # every home page answered before its time lacked it
    page = reader.get(edge.varnish, essay.get_absolute_url())
    assert page.status == 200, "the essay's own page still answers 404 after its time"
    assert essay.title in page.text


def test_a_reader_sees_their_own_held_comment_and_nobody_else_does(edge):
    essay = make_article("Allotments")
    edge.settle()
    path = essay.get_absolute_url()
    poster, other = Reader("127.0.0.2"), Reader("127.0.0.3")
    page = poster.get(edge.varnish, path)
    assert page.cache == "MISS" and not poster.cookies

    text = "My onions failed three years running."
    url = f"/essays/{essay.slug}/comments/"
    posted = poster.post(edge.varnish, url, comment_fields(form_token(page), text))
    assert posted.status == 302, posted.text[:300]
    assert {"sessionid", "messages"} <= poster.cookies.keys()
    assert Comment.objects.get(text=text).status == Comment.Status.PENDING

    own = poster.get(edge.varnish, path)
    assert own.status == 200 and own.cache == "MISS"  # personal: passed to a node
    assert text in own.text and AWAITING in own.text
    assert "Your comment is awaiting moderation." in own.text
    assert "private" in own.headers["Cache-Control"]
    again = poster.get(edge.varnish, path)  # the message is gone; the comment is still theirs
    assert text in again.text and AWAITING in again.text

    theirs = other.get(edge.varnish, path)
    assert theirs.status == 200 and theirs.cache == "HIT"
    assert text not in theirs.text and AWAITING not in theirs.text
    assert not other.cookies


def test_two_nodes_share_comments_sessions_and_the_rate_limit(edge):
    essay = make_article("Two kitchens")
    password = moderator_with_password()
    edge.settle()
    path = essay.get_absolute_url()
    node_a, node_b = edge.nodes
    reader = Reader("127.0.0.2")
    assert reader.get(edge.varnish, path).cache == "MISS"

    poster = Reader("127.0.0.4")
    text = "Posted on one node, approved on the other."
    token = form_token(poster.get(node_a, path))
    posted = poster.post(node_a, f"/essays/{essay.slug}/comments/", comment_fields(token, text))
    assert posted.status == 302, posted.text[:300]
    assert reader.get(edge.varnish, path).cache == "HIT"  # a held comment purges nothing

    moderator = Reader("127.0.0.9")
    sign_in(moderator, node_a, password)
    assert moderator.get(node_b, reverse("admin:index")).status == 200  # node A's session
    clicked = approve(moderator, node_b, Comment.objects.get(text=text))
    page, _ = poll(lambda: reader.get(edge.varnish, path), lambda page: text in page.text)
    shown_after = time.monotonic() - clicked
    print(f"comment approved on node B shown {shown_after * 1000:.0f} ms after the click")
    assert shown_after < 1

    # One address, alternating between the nodes: the allowance is counted once, in Redis.
    eager = Reader("127.0.0.5")
    token = form_token(eager.get(node_a, path))
    url = f"/essays/{essay.slug}/comments/"
    statuses = [
        eager.post(edge.nodes[n % 2], url, comment_fields(token, f"Comment number {n}"))
        for n in range(6)
    ]
    assert [page.status for page in statuses] == [302] * 5 + [429]
    assert "Too many comments" in statuses[-1].text
    assert Comment.objects.filter(ip_address="127.0.0.5").count() == 5
