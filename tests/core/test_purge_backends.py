"""Edge-cache purge backends (core/edge/backends.py) against a real HTTP server on loopback: the
exact request each sends, the header pages carry, and every way a purge can go unconfirmed."""

import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.edge.backends import (
    CloudflareBackend,
    CloudFrontBackend,
    FastlyBackend,
    PurgeBackend,
    PurgeFailed,
    VarnishBackend,
    get_backend,
)

TOKEN = "tok-3f9a1c-never-shown"
CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict  # lower-cased names
    body: bytes


@dataclass
class FakeServer:
    """Records every request and answers `status` / `body`, or what `reply(seen)` returns."""

    url: str = ""
    requests: list = field(default_factory=list)
    status: int = 200
    body: bytes = b"Purged 1"
    reply: object = None
    delay: float = 0
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, status, body):
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture
def server():
    fake = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def do_any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            seen = Seen(self.command, self.path, headers, body)
            fake.requests.append(seen)
            if fake.delay:
                fake.release.wait(fake.delay)
            status, extra, body = fake.reply(seen) if fake.reply else (fake.status, {}, fake.body)
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PURGE = do_any

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that timed out has gone; writing to it fails, as it should

    httpd = Server(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed on return: nothing listens there


def failure(call) -> str:
    with pytest.raises(PurgeFailed) as caught:
        call()
    message = str(caught.value)
    assert TOKEN not in message
    return message


def timed_failure(call) -> str:
    started = time.perf_counter()
    message = failure(call)
    assert 0.15 < time.perf_counter() - started < 1.5  # TIMEOUT is 0.2 s; the server sleeps 3 s
    return message


def echo_headers(status):
    """A server that echoes the request's headers, token included, into its error page."""
    return lambda seen: (status, {}, json.dumps(seen.headers).encode())


# Varnish


def varnish(server, **options):
    return VarnishBackend({"LOCATIONS": [server.url], "TOKEN": TOKEN, **options})


def test_varnish_sends_purge_with_the_keys_and_token(server):
    varnish(server).purge(["essay-12", "section-3", "essay-12"], ["https://blog.example.org/"])
    [seen] = server.requests
    assert (seen.method, seen.path) == ("PURGE", "/")
    assert seen.headers["xkey-purge"] == "essay-12 section-3"
    assert seen.headers["x-purge-token"] == TOKEN


def test_varnish_without_token_sends_none_and_purges_every_location(server):
    backend = VarnishBackend({"LOCATIONS": [server.url, server.url + "/"]})
    backend.purge(["home"], [])
    assert [seen.headers["xkey-purge"] for seen in server.requests] == ["home", "home"]
    assert all("x-purge-token" not in seen.headers for seen in server.requests)


def test_varnish_keeps_each_purge_header_under_8_kb(server):
    keys = [f"essay-{n}" for n in range(3000)]  # about 30 KB of keys
    varnish(server).purge(keys, [])
    sent = [seen.headers["xkey-purge"] for seen in server.requests]
    assert len(sent) > 3 and all(len(value) <= 8000 for value in sent)
    assert " ".join(sent).split() == keys


def test_varnish_tags_responses_with_xkey():
    backend = VarnishBackend({"LOCATIONS": ["http://127.0.0.1:6081"]})
    assert (backend.header, backend.header_value(["essay-12", "feed"])) == ("xkey", "essay-12 feed")


@pytest.mark.parametrize("status", [403, 405, 500, 503])
def test_varnish_error_status_fails_and_never_shows_the_token(server, status):
    server.reply = echo_headers(status)
    message = failure(lambda: varnish(server).purge(["home"], []))
    assert str(status) in message and "[redacted]" in message


def test_varnish_anything_but_200_is_unconfirmed(server):
    server.answer(204, b"")  # not what the VCL's purge answers: something else handled it
    assert "204" in failure(lambda: varnish(server).purge(["home"], []))


def test_varnish_one_location_down_still_purges_the_other(server, closed_port):
    backend = VarnishBackend({"LOCATIONS": [f"http://127.0.0.1:{closed_port}", server.url]})
    message = failure(lambda: backend.purge(["home"], []))
    assert str(closed_port) in message
    assert [seen.headers["xkey-purge"] for seen in server.requests] == ["home"]


def test_varnish_connection_refused_fails(closed_port):
    backend = VarnishBackend({"LOCATIONS": [f"http://127.0.0.1:{closed_port}"], "TOKEN": TOKEN})
    assert "refused" in failure(lambda: backend.purge(["home"], [])).lower()


def test_varnish_timeout_fails(server):
    server.delay = 3
    timed_failure(lambda: varnish(server, TIMEOUT=0.2).purge(["home"], []))


# Cloudflare


def cloudflare(server, **options):
    options = {"ZONE_ID": "zone9", "API_TOKEN": TOKEN, "API_URL": server.url, **options}
    return CloudflareBackend(options)


def test_cloudflare_posts_tags_in_batches_of_30(server):
    server.answer(200, {"success": True, "errors": [], "messages": [], "result": {"id": "zone9"}})
    keys = [f"essay-{n}" for n in range(65)]
    cloudflare(server).purge(keys, ["https://blog.example.org/essays/foo/"])
    assert [(seen.method, seen.path) for seen in server.requests] == [
        ("POST", "/zones/zone9/purge_cache")
    ] * 3
    sent = [json.loads(seen.body) for seen in server.requests]
    assert [len(body["tags"]) for body in sent] == [30, 30, 5]
    assert [tag for body in sent for tag in body["tags"]] == keys
    assert all(set(body) == {"tags"} for body in sent)
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert server.requests[0].headers["content-type"] == "application/json"


def test_cloudflare_default_api_url():
    backend = CloudflareBackend({"ZONE_ID": "zone9", "API_TOKEN": TOKEN})
    assert backend.url == "https://api.cloudflare.com/client/v4/zones/zone9/purge_cache"


def test_cloudflare_tags_responses_with_cache_tag():
    backend = CloudflareBackend({"ZONE_ID": "z", "API_TOKEN": TOKEN})
    assert (backend.header, backend.header_value(["essay-12", "feed"])) == (
        "Cache-Tag",
        "essay-12,feed",
    )


def test_cloudflare_success_false_fails_with_its_errors(server):
    server.answer(200, {"success": False, "errors": [{"code": 1134, "message": "Purge limit hit"}]})
    assert "Purge limit hit" in failure(lambda: cloudflare(server).purge(["home"], []))


def test_cloudflare_error_status_fails_and_never_shows_the_token(server):
    server.reply = lambda seen: (
        403,
        {"Content-Type": "application/json"},
        json.dumps(
            {
                "success": False,
                "errors": [{"code": 10000, "message": f"Bad {seen.headers['authorization']}"}],
            }
        ).encode(),
    )
    message = failure(lambda: cloudflare(server).purge(["home"], []))
    assert "403" in message and "[redacted]" in message


@pytest.mark.parametrize(
    ("status", "body"),
    [(502, b"<html>Bad gateway</html>"), (200, b"[]"), (200, b'{"result": null}')],
)
def test_cloudflare_an_answer_without_success_fails(server, status, body):
    server.answer(status, body)
    assert str(status) in failure(lambda: cloudflare(server).purge(["home"], []))


def test_cloudflare_connection_refused_fails(closed_port):
    backend = cloudflare(FakeServer(url=f"http://127.0.0.1:{closed_port}"))
    failure(lambda: backend.purge(["home"], []))


def test_cloudflare_timeout_fails(server):
    server.delay = 3
    timed_failure(lambda: cloudflare(server, TIMEOUT=0.2).purge(["home"], []))


# Fastly


def fastly(server, **options):
    options = {"SERVICE_ID": "svc7", "API_TOKEN": TOKEN, "API_URL": server.url, **options}
    return FastlyBackend(options)


def test_fastly_posts_surrogate_keys_in_batches_of_256(server):
    server.answer(200, {"essay-0": "108-1391560174-974124"})
    keys = [f"essay-{n}" for n in range(300)]
    fastly(server).purge(keys, [])
    assert [(seen.method, seen.path) for seen in server.requests] == [
        ("POST", "/service/svc7/purge")
    ] * 2
    sent = [seen.headers["surrogate-key"].split(" ") for seen in server.requests]
    assert [len(batch) for batch in sent] == [256, 44]
    assert sent[0] + sent[1] == keys
    first = server.requests[0].headers
    assert (first["fastly-key"], first["accept"]) == (TOKEN, "application/json")
    assert "fastly-soft-purge" not in first


def test_fastly_soft_purge(server):
    fastly(server, SOFT=True).purge(["essay-12"], [])
    assert server.requests[0].headers["fastly-soft-purge"] == "1"


def test_fastly_default_api_url_and_response_header():
    backend = FastlyBackend({"SERVICE_ID": "svc7", "API_TOKEN": TOKEN})
    assert backend.url == "https://api.fastly.com/service/svc7/purge"
    assert (backend.header, backend.header_value(["essay-12", "feed"])) == (
        "Surrogate-Key",
        "essay-12 feed",
    )


@pytest.mark.parametrize("status", [401, 404, 500])
def test_fastly_error_status_fails_and_never_shows_the_token(server, status):
    server.reply = echo_headers(status)
    message = failure(lambda: fastly(server).purge(["home"], []))
    assert str(status) in message and "[redacted]" in message


def test_fastly_a_redirect_is_not_a_confirmation(server):
    # urllib would follow it with a GET, and the page it lands on answers 200.
    server.reply = lambda seen: (
        (302, {"Location": "/elsewhere"}, b"") if seen.method == "POST" else (200, {}, b"<html>")
    )
    failure(lambda: fastly(server).purge(["home"], []))
    assert [seen.method for seen in server.requests] == ["POST"]


def test_fastly_connection_refused_fails(closed_port):
    backend = fastly(FakeServer(url=f"http://127.0.0.1:{closed_port}"))
    failure(lambda: backend.purge(["home"], []))


def test_fastly_timeout_fails(server):
    server.delay = 3
    timed_failure(lambda: fastly(server, TIMEOUT=0.2).purge(["home"], []))


# CloudFront


@pytest.fixture
def aws(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFORTESTS")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TOKEN)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    # No ~/.aws of whoever runs the tests.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def create_invalidation(seen):
    """CloudFront's CreateInvalidation answer, built from the request as the real API does."""
    distribution = seen.path.split("/")[3]
    batch = ET.fromstring(seen.body)
    paths = "".join(f"<Path>{p.text}</Path>" for p in batch.iter(f"{{{CF_NS}}}Path"))
    quantity = batch.find(f"{{{CF_NS}}}Paths/{{{CF_NS}}}Quantity").text
    reference = batch.find(f"{{{CF_NS}}}CallerReference").text
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invalidation xmlns="{CF_NS}"><Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status>
<CreateTime>2025-01-01T12:00:00.000Z</CreateTime><InvalidationBatch>
<Paths><Quantity>{quantity}</Quantity><Items>{paths}</Items></Paths>
<CallerReference>{reference}</CallerReference></InvalidationBatch></Invalidation>"""
    location = (
        f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{distribution}"
        "/invalidation/I2J0I21PCUYOIK"
    )
    return 201, {"Content-Type": "text/xml", "Location": location}, body.encode()


def cloudfront(server, **options):
    return CloudFrontBackend(
        {"DISTRIBUTION_ID": "EDFDVBD6EXAMPLE", "ENDPOINT_URL": server.url, **options}
    )


def sent_batch(seen):
    batch = ET.fromstring(seen.body)
    paths = [p.text for p in batch.iter(f"{{{CF_NS}}}Path")]
    quantity = int(batch.find(f"{{{CF_NS}}}Paths/{{{CF_NS}}}Quantity").text)
    assert quantity == len(paths)
    return paths, batch.find(f"{{{CF_NS}}}CallerReference").text


def test_cloudfront_invalidates_the_pages_paths(server, aws):
    server.reply = create_invalidation
    backend = cloudfront(server)
    urls = [
        "https://blog.example.org/essays/foo/?page=2",
        "https://blog.example.org/essays/foo/",
        "https://blog.example.org/essays/foo/?page=2",
        "https://blog.example.org",
    ]
    backend.purge(["essay-12"], urls)
    backend.purge(["essay-12"], urls)
    first, second = server.requests
    assert (first.method, first.path) == (
        "POST",
        "/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation",
    )
    assert first.headers["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDFAKEFORTESTS/"
    )
    assert "/us-east-1/cloudfront/aws4_request" in first.headers["authorization"]
    paths, reference = sent_batch(first)
    assert paths == ["/essays/foo/?page=2", "/essays/foo/", "/"]
    assert reference != sent_batch(second)[1]  # a new invalidation each time


def test_cloudfront_invalidates_everything_when_the_pages_are_unknown(server, aws):
    server.reply = create_invalidation
    cloudfront(server).purge(["section-3"], [])
    assert sent_batch(server.requests[0])[0] == ["/*"]


def test_cloudfront_invalidates_everything_beyond_3000_paths(server, aws):
    server.reply = create_invalidation
    backend = cloudfront(server)
    urls = [f"https://blog.example.org/essays/{n}/" for n in range(3000)]
    backend.purge(["feed"], urls + urls[:10])  # duplicates do not count
    backend.purge(["feed"], [*urls, "https://blog.example.org/essays/3000/"])
    assert len(sent_batch(server.requests[0])[0]) == 3000
    assert sent_batch(server.requests[1])[0] == ["/*"]


def test_cloudfront_nothing_to_purge_sends_nothing(server, aws):
    cloudfront(server).purge([], [])
    assert server.requests == []


def test_cloudfront_emits_no_response_header():
    assert CloudFrontBackend({"DISTRIBUTION_ID": "E1"}).header == ""


def test_cloudfront_api_error_fails(server, aws):
    error = f"""<?xml version="1.0"?><ErrorResponse xmlns="{CF_NS}"><Error><Type>Sender</Type>
<Code>NoSuchDistribution</Code><Message>The specified distribution does not exist.</Message>
</Error><RequestId>8c9b2c52-1f3e-4b2e-9bd1-example</RequestId></ErrorResponse>"""
    server.reply = lambda seen: (404, {"Content-Type": "text/xml"}, error.encode())
    assert "NoSuchDistribution" in failure(lambda: cloudfront(server).purge(["home"], []))
    assert len(server.requests) == 1  # no retries inside: the task queue retries


def test_cloudfront_connection_refused_fails(aws, closed_port):
    backend = CloudFrontBackend(
        {"DISTRIBUTION_ID": "E1", "ENDPOINT_URL": f"http://127.0.0.1:{closed_port}"}
    )
    failure(lambda: backend.purge(["home"], []))


def test_cloudfront_timeout_fails(server, aws):
    server.delay = 3
    timed_failure(lambda: cloudfront(server, TIMEOUT=0.2).purge(["home"], []))


# get_backend


class CustomBackend(PurgeBackend):
    def __init__(self, options):
        super().__init__(options)
        self.options = options

    def purge(self, keys, urls):
        pass


@pytest.mark.parametrize(
    ("options", "backend_class"),
    [
        ({"BACKEND": "varnish", "LOCATIONS": ["http://127.0.0.1:6081"]}, VarnishBackend),
        ({"BACKEND": "cloudflare", "ZONE_ID": "z", "API_TOKEN": TOKEN}, CloudflareBackend),
        ({"BACKEND": "fastly", "SERVICE_ID": "s", "API_TOKEN": TOKEN}, FastlyBackend),
        ({"BACKEND": "cloudfront", "DISTRIBUTION_ID": "E1"}, CloudFrontBackend),
        ({"BACKEND": "tests.core.test_purge_backends.CustomBackend", "X": 1}, CustomBackend),
    ],
)
def test_get_backend_builds_the_configured_backend_once(settings, options, backend_class):
    settings.EDGE_CACHE = options
    backend = get_backend()
    assert type(backend) is backend_class
    assert get_backend() is backend


def test_get_backend_passes_the_options_without_backend(settings):
    settings.EDGE_CACHE = {"BACKEND": "tests.core.test_purge_backends.CustomBackend", "TIMEOUT": 2}
    assert get_backend().options == {"TIMEOUT": 2}
    assert get_backend().timeout == 2


@pytest.mark.parametrize("edge_cache", [{"BACKEND": ""}, {}, None])
def test_get_backend_none_without_an_edge_cache(settings, edge_cache):
    settings.EDGE_CACHE = edge_cache
    assert get_backend() is None


def test_get_backend_none_when_the_setting_is_missing(settings):
    del settings.EDGE_CACHE
    get_backend.cache_clear()
    assert get_backend() is None


def test_get_backend_follows_a_changed_setting(settings):
    settings.EDGE_CACHE = {"BACKEND": "cloudfront", "DISTRIBUTION_ID": "E1"}
    assert isinstance(get_backend(), CloudFrontBackend)
    settings.EDGE_CACHE = {"BACKEND": ""}
    assert get_backend() is None


def test_get_backend_unknown_name(settings):
    settings.EDGE_CACHE = {"BACKEND": "akamai"}
    with pytest.raises(ImproperlyConfigured, match="akamai"):
        get_backend()
