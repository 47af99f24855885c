"""The front door for real: deploy/nginx.conf (Debian's nginx) in front of gunicorn, on loopback.

gunicorn runs config/gunicorn.conf.py in production mode against the test database; nginx runs
the shipped site file with only ports and paths substituted. Slow clients and a huge body are
nginx's problem while readers are served at once; the health probes answer through it; behind
it, with TRUSTED_PROXY_COUNT=1, two readers keep their own addresses. Traffic: 127.0.0.1 only.
"""

import http.client
import json
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import make_article, make_editor

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ROOT = Path(__file__).resolve().parents[2]
HOST = "blog.example.org"
WORKERS = 2  # gunicorn sync workers; the slow clients below outnumber them three to one
SLOW_CLIENTS = 3 * WORKERS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def production_env(work: Path, secret_key: str, **extra) -> dict:
    """The environment of an app process started by a test: production settings (DEBUG off,
    one proxy in front) against the test database, files under `work`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=database_url(),
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        **extra,
    )
    return env


def collect_static(env: dict) -> None:
    """collectstatic into the STATIC_ROOT of `env`: production serves hashed names only."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def render_site(*, upstream: int, http_port: int, https_port: int, work: Path) -> str:
    """deploy/nginx.conf with loopback ports and temporary paths; nothing else changes."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text, dropped = re.subn(r"(?m)^\s*listen \[::\]:.*\n", "", text)  # no IPv6 needed here
    assert dropped == 2
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        (
            "listen 443 ssl http2 default_server;",
            f"listen 127.0.0.1:{https_port} ssl http2 default_server;",
        ),
        (f"/etc/letsencrypt/live/{HOST}/", f"{work}/tls/"),
        ("/var/log/nginx/", f"{work}/logs/"),
        ("/srv/essayblog/staticfiles/", f"{work}/static/"),
        ("/srv/essayblog/var/media/", f"{work}/media/"),
    ]:
        assert old in text, f"deploy/nginx.conf no longer has {old!r}; update this test"
        text = text.replace(old, new)
    return text


def nginx_main_conf(work: Path) -> str:
    """The http {} around the site file, as Debian's nginx.conf would give, but in `work`."""
    user = "user root root;" if os.geteuid() == 0 else ""  # the temporary dirs are private
    temp = "\n".join(
        f"    {kind}_temp_path {work}/temp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/logs/error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp}
    include {work}/site.conf;
}}
"""


@dataclass
class FrontDoor:
    http_port: int
    https_port: int
    tls: ssl.SSLContext
    work: Path

    def gunicorn_requests(self) -> list[str]:
        return (self.work / "logs" / "gunicorn-access.log").read_text().splitlines()

    def connect(self, source: str = "127.0.0.1", timeout: float = 5) -> ssl.SSLSocket:
        sock = socket.create_connection(
            ("127.0.0.1", self.https_port), timeout=timeout, source_address=(source, 0)
        )
        return self.tls.wrap_socket(sock, server_hostname=HOST)

    def request(self, method, path, *, body=None, headers=None, source="127.0.0.1", tls=True):
        """One request through nginx; returns (status, headers, body bytes, seconds taken)."""
        started = time.monotonic()
        if tls:
            conn = http.client.HTTPSConnection(
                "127.0.0.1",
                self.https_port,
                context=self.tls,
                timeout=10,
                source_address=(source, 0),
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            content = response.read()
            return response.status, response, content, time.monotonic() - started
        finally:
            conn.close()


def wait_until_up(check, process, log: Path, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited: {log.read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not start: {log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def front_door(django_db_setup, tmp_path_factory):
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    if openssl is None:
        pytest.skip("openssl is not installed (it makes the test's TLS certificate)")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:"):
        pytest.skip("gunicorn is another process: it cannot see an in-memory SQLite test database")

    work = tmp_path_factory.mktemp("front-door")
    for folder in ("logs", "tls", "static", "media", "temp"):
        (work / folder).mkdir()
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"]
        + ["-keyout", work / "tls" / "privkey.pem", "-out", work / "tls" / "fullchain.pem"],
        check=True,
        capture_output=True,
    )
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    env = production_env(
        work,
        "front-door-test-only-7f3c9a1e5b2d8f4a6c0e9b7d",
        BIND=f"127.0.0.1:{upstream}",
        WEB_CONCURRENCY=str(WORKERS),
        ACCESS_LOG=str(work / "logs" / "gunicorn-access.log"),
    )
    started = time.monotonic()
    collect_static(env)
    print(f"collectstatic: {time.monotonic() - started:.1f} s")

    (work / "site.conf").write_text(
        render_site(upstream=upstream, http_port=http_port, https_port=https_port, work=work)
    )
    (work / "nginx.conf").write_text(nginx_main_conf(work))
    command = [nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr  # the shipped file is valid nginx

    gunicorn_log = work / "logs" / "gunicorn.log"
    processes = []
    try:
        with gunicorn_log.open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"]
                    + ["config.wsgi"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_until_up(
            lambda: _status(f"http://127.0.0.1:{upstream}/healthz") == 200,
            processes[0],
            gunicorn_log,
            "gunicorn",
        )
        nginx_log = work / "logs" / "nginx-stderr.log"
        with nginx_log.open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [*command, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
                )
            )
        tls = ssl.create_default_context(cafile=str(work / "tls" / "fullchain.pem"))
        tls.check_hostname = False  # we connect to 127.0.0.1; the certificate is still verified
        door = FrontDoor(http_port=http_port, https_port=https_port, tls=tls, work=work)
        wait_until_up(lambda: door.connect().close() is None, processes[1], nginx_log, "nginx")
        yield door
    finally:
        for process in reversed(processes):
            stop(process)


def _status(url: str) -> int:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    try:
        conn.request("GET", parts.path)
        return conn.getresponse().status
    finally:
        conn.close()


def slow_client(door: FrontDoor, *, head: bytes, body: bytes = b"", until: float, log: list):
    """A slow client: the request head one byte a second or, given a body, the head at once and
    then the body one byte a second, until the server closes or answers, or until `until`."""
    started, outcome = time.monotonic(), "still open"
    quick, trickle = (head, body) if body else (b"", head)
    try:
        with door.connect() as sock:
            sock.sendall(quick)
            sock.setblocking(False)  # one byte never blocks; recv only once select says so
            for byte in trickle:
                if time.monotonic() > until:
                    break
                sock.sendall(bytes([byte]))
                if select.select([sock], [], [], 1.0)[0]:  # the one-second pause
                    try:
                        data = sock.recv(4096)
                    except ssl.SSLWantReadError:  # TLS housekeeping (session tickets), no data
                        continue
                    outcome = f"answered {data[:40]!r}" if data else "closed"
                    break
    except (ConnectionResetError, BrokenPipeError, ssl.SSLEOFError) as exc:
        outcome = f"closed ({type(exc).__name__})"
    log.append((outcome, time.monotonic() - started))


def test_slow_clients_and_a_huge_body_stop_at_nginx_while_readers_are_served(front_door):
    article = make_article("Read while under attack")
    path = article.get_absolute_url()
    assert front_door.request("GET", path)[0] == 200  # warm: the first render compiles templates

    until = time.monotonic() + 16
    slow_head = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode() + b"x" * 100
    post_head = (
        f"POST /essays/{article.slug}/comments/ HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    heads, bodies = [], []
    threads = [
        threading.Thread(
            target=slow_client,
            args=(front_door,),
            kwargs={"head": slow_head, "until": until, "log": heads},
        )
        for _ in range(SLOW_CLIENTS)
    ] + [
        threading.Thread(
            target=slow_client,
            args=(front_door,),
            kwargs={"head": post_head, "body": b"x" * 1000, "until": until, "log": bodies},
        )
        for _ in range(SLOW_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)  # every slow client is connected and trickling

    # An 800 MB anonymous upload: refused by nginx on its Content-Length, not read, not passed on.
    started = time.monotonic()
    with front_door.connect() as sock:
        sock.sendall(
            f"POST /essays/{article.slug}/comments/ HTTP/1.1\r\nHost: {HOST}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            "Content-Length: 800000000\r\n\r\n".encode()
        )
        answer = b""
        try:
            for _ in range(128):  # start streaming: up to 8 MB, until nginx answers
                if select.select([sock], [], [], 0)[0]:
                    break
                sock.sendall(b"\0" * 65536)
            sock.settimeout(5)
            answer = sock.recv(4096)
        except (OSError, ssl.SSLError):
            pass
    big_body_seconds = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert big_body_seconds < 1

    # Meanwhile readers are served at once: more slow clients than workers changes nothing.
    timings = []
    for _ in range(10):
        status, _, content, seconds = front_door.request("GET", path)
        assert status == 200 and b"Read while under attack" in content
        timings.append(seconds)
    print(
        f"big body refused in {big_body_seconds * 1000:.0f} ms; reader GETs under attack: "
        f"max {max(timings) * 1000:.0f} ms, median {sorted(timings)[5] * 1000:.0f} ms"
    )
    assert max(timings) < 1

    for thread in threads:
        thread.join(timeout=30)
    print(f"slow heads: {heads}\nslow bodies: {bodies}")
    # nginx closes a head still incomplete after client_header_timeout (10 s)...
    assert len(heads) == SLOW_CLIENTS
    assert all(outcome.startswith("closed") and seconds < 14 for outcome, seconds in heads)
    # ...and waits on a slowly sent body itself; none of it ever reached gunicorn.
    assert len(bodies) == SLOW_CLIENTS and all(outcome == "still open" for outcome, _ in bodies)
    seen = front_door.gunicorn_requests()
    assert not [line for line in seen if "POST" in line], seen
    assert not [line for line in seen if '"GET / ' in line], seen


def test_bodies_over_the_limits_are_refused_at_the_edge_and_in_django(front_door):
    article = make_article()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    big = b"text=" + b"x" * 200_000  # over the public 64k, under the admin's 16m

    status, _, content, _ = front_door.request(
        "POST", f"/essays/{article.slug}/comments/", body=big, headers=form
    )
    assert status == 413 and b"nginx" in content  # nginx's own page: Django never saw it

    # The admin's allowance passes nginx; Django keeps it for signed-in staff only.
    status, _, content, _ = front_door.request("POST", "/admin/login/", body=big, headers=form)
    assert status == 413 and b"Too much to send" in content
    deadline = time.monotonic() + 5  # gunicorn logs a request after it has answered it
    while True:
        seen = front_door.gunicorn_requests()
        refused = [line for line in seen if '"POST /admin/login/' in line and '" 413 ' in line]
        if refused or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not [line for line in seen if "/comments/" in line]
    assert refused


def test_health_probes_answer_through_nginx_over_http_for_any_host(front_door):
    for path, expected in [("/healthz", b"ok\n"), ("/readyz", None)]:
        # A load balancer probes the address over plain HTTP, with its own Host.
        status, response, content, _ = front_door.request(
            "GET", path, headers={"Host": "10.20.30.40"}, tls=False
        )
        assert status == 200, content
        assert "no-store" in response.getheader("Cache-Control")
        if expected:
            assert content == expected
        else:
            assert json.loads(content) == {
                "status": "ready",
                "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
            }
        assert front_door.request("GET", path)[0] == 200  # and over HTTPS
    status, response, _, _ = front_door.request("GET", "/essays/", tls=False)
    assert status == 301 and response.getheader("Location") == f"https://{HOST}/essays/"


def test_static_and_media_files_are_served_by_nginx_with_cache_headers(front_door):
    manifest = json.loads((front_door.work / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    status, response, content, _ = front_door.request(
        "GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200 and content
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Encoding") == "gzip"  # WhiteNoise's .gz copy
    status, response, _, _ = front_door.request("GET", "/static/css/site.css")
    assert status == 200 and response.getheader("Cache-Control") == "max-age=3600"

    (front_door.work / "media" / "images").mkdir(exist_ok=True)
    (front_door.work / "media" / "images" / "p.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    status, response, _, _ = front_door.request("GET", "/media/images/p.png")
    assert status == 200 and response.getheader("Content-Type") == "image/png"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert "sandbox" in response.getheader("Content-Security-Policy")
    assert not [
        line for line in front_door.gunicorn_requests() if "/static/" in line or "/media/" in line
    ]


class Browser:
    """A reader's browser behind nginx, from its own loopback address, with its own cookies."""

    def __init__(self, door: FrontDoor, source: str):
        self.door, self.source, self.cookies = door, source, {}

    def request(self, method, path, fields=None, headers=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}"}
            )
        status, response, content, _ = self.door.request(
            method, path, body=body, headers=headers, source=self.source
        )
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return status, content.decode()

    def sign_in(self, password, headers=None):
        _, page = self.request("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        fields = {
            "csrfmiddlewaretoken": token,
            "username": "editor",
            "password": password,
            "next": "/admin/",
        }
        return self.request("POST", "/admin/login/?next=/admin/", fields, headers)[0]


def test_behind_nginx_readers_keep_their_own_addresses(front_door):
    """TRUSTED_PROXY_COUNT=1 with deploy/nginx.conf: one reader's bad sign-ins lock out that
    reader only (django-axes), and a forged X-Forwarded-For does not get them out of it."""
    user = make_editor()
    # gunicorn checks passwords with the production hashers, not the tests' fast MD5 one.
    user.password = PBKDF2PasswordHasher().encode("pw-editor-1", "front-door-salt", iterations=1000)
    user.save(update_fields=["password"])
    attacker, editor = Browser(front_door, "127.0.0.2"), Browser(front_door, "127.0.0.3")
    statuses = [attacker.sign_in("wrong") for _ in range(5)]
    assert statuses[:4] == [200] * 4  # the form again, with an error
    assert attacker.sign_in("pw-editor-1") == 429  # locked out, even with the right password
    assert attacker.sign_in("pw-editor-1", {"X-Forwarded-For": "127.0.0.3"}) == 429
    assert editor.sign_in("pw-editor-1") == 302  # another address is not locked out
