"""Purging pages from the edge cache (Varnish or a CDN) in front of the site.

Responses carry their surrogate keys ("essay-12", "section-3", "home", "feed") in the backend's
`header`, joined by `header_value(keys)`; when content changes, `purge(keys, urls)` asks the cache
to drop every page carrying those keys. `urls` are the absolute URLs known to carry them (maybe
none), for caches that can only invalidate paths (CloudFront).

`purge()` runs from a task, never inside a request: it raises PurgeFailed when the cache does not
confirm, and the task queue retries. Purging twice is harmless, so a retry may repeat batches that
already went through. Failure messages never contain API tokens.

Choose a backend with settings.EDGE_CACHE = {"BACKEND": "varnish" | "cloudflare" | "fastly" |
"cloudfront" | "dotted.path.ToAClass" | "", **options}; get_backend() builds it once per process.
"""

import functools
import http.client
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


class PurgeFailed(Exception):
    """A purge the CDN/cache did not confirm; the task queue retries it."""


class PurgeBackend:
    header = "Surrogate-Key"  # response header that carries this backend's keys ("" = none)
    separator = " "
    secret = ""  # replaced by "[redacted]" in failure messages

    def __init__(self, options: dict):
        self.timeout = float(options.get("TIMEOUT", 10))

    def header_value(self, keys: Iterable[str]) -> str:
        return self.separator.join(keys)

    def purge(self, keys: list[str], urls: list[str]) -> None:
        raise NotImplementedError

    def failed(self, message: str) -> PurgeFailed:
        if self.secret:
            message = message.replace(self.secret, "[redacted]")
        return PurgeFailed(message)

    def send(
        self, url: str, *, method: str, headers: dict, body: bytes | None = None
    ) -> tuple[int, bytes]:
        """(status, body) of one HTTP request; PurgeFailed if no answer came in time."""
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            try:
                response = _opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as error:
                response = error  # an error status is still an answer; the backend judges it
            with response:
                return response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise self.failed(f"{method} {url} got no answer: {exc}") from exc

    def refused(self, url: str, status: int, body: bytes) -> PurgeFailed:
        return self.failed(f"{url} answered {status}: {body[:200].decode(errors='replace')!r}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirected purge was not confirmed: the 3xx becomes an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)
_boto3_lock = threading.Lock()


def batches(keys: Iterable[str], *, most: int = 0, chars: int = 0) -> Iterator[list[str]]:
    """The distinct keys, in runs of at most `most` keys and `chars` characters once joined by a
    one-character separator (0: no limit)."""
    batch: list[str] = []
    length = -1
    for key in dict.fromkeys(keys):
        length += 1 + len(key)
        if batch and (len(batch) == most or 0 < chars < length):
            yield batch
            batch, length = [], len(key)
        batch.append(key)
    if batch:
        yield batch


class VarnishBackend(PurgeBackend):
    """PURGE with an `xkey-purge` header; the VCL calls xkey.purge() and answers 200."""

    header = "xkey"
    max_header = 8000  # Varnish refuses request headers over http_req_hdr_len (8 KB)

    def __init__(self, options: dict):
        super().__init__(options)
        self.locations = [location.rstrip("/") + "/" for location in options["LOCATIONS"]]
        self.secret = options.get("TOKEN", "")

    def purge(self, keys, urls):
        token = {"X-Purge-Token": self.secret} if self.secret else {}
        failures = []
        # Every location is tried even when one is down, so that the others are fresh meanwhile.
        for location in self.locations:
            for batch in batches(keys, chars=self.max_header):
                headers = {"xkey-purge": " ".join(batch), **token}
                try:
                    status, body = self.send(location, method="PURGE", headers=headers)
                    if status != 200:
                        raise self.refused(location, status, body)
                except PurgeFailed as exc:
                    failures.append(str(exc))
                    break
        if failures:
            raise PurgeFailed("; ".join(failures))


class CloudflareBackend(PurgeBackend):
    header = "Cache-Tag"
    separator = ","
    # Cloudflare took at most 30 tags per purge_cache call for years; since 2025 every plan takes
    # 100, but 30 is safe on any account.
    max_tags = 30

    def __init__(self, options: dict):
        super().__init__(options)
        api_url = options.get("API_URL", "https://api.cloudflare.com/client/v4").rstrip("/")
        self.url = f"{api_url}/zones/{options['ZONE_ID']}/purge_cache"
        self.secret = options["API_TOKEN"]

    def purge(self, keys, urls):
        headers = {"Authorization": f"Bearer {self.secret}", "Content-Type": "application/json"}
        for batch in batches(keys, most=self.max_tags):
            payload = json.dumps({"tags": batch}).encode()
            status, body = self.send(self.url, method="POST", headers=headers, body=payload)
            try:
                answer = json.loads(body)
                confirmed = answer.get("success") is True
                reason = "; ".join(str(error["message"]) for error in answer.get("errors") or [])
            except (ValueError, AttributeError, TypeError, KeyError):  # not Cloudflare's JSON
                raise self.refused(self.url, status, body) from None
            if not confirmed:
                reason = reason or "no reason given"
                raise self.failed(f"Cloudflare refused the purge ({status}): {reason}")


class FastlyBackend(PurgeBackend):
    header = "Surrogate-Key"
    max_keys = 256  # Fastly's limit of keys in one batch purge

    def __init__(self, options: dict):
        super().__init__(options)
        api_url = options.get("API_URL", "https://api.fastly.com").rstrip("/")
        self.url = f"{api_url}/service/{options['SERVICE_ID']}/purge"
        self.secret = options["API_TOKEN"]
        self.soft = bool(options.get("SOFT", False))  # mark stale instead of dropping

    def purge(self, keys, urls):
        headers = {"Fastly-Key": self.secret, "Accept": "application/json"}
        if self.soft:
            headers["Fastly-Soft-Purge"] = "1"
        for batch in batches(keys, most=self.max_keys):
            headers["Surrogate-Key"] = " ".join(batch)
            status, body = self.send(self.url, method="POST", headers=headers)
            if status != 200:
                raise self.refused(self.url, status, body)


class CloudFrontBackend(PurgeBackend):
    """CloudFront has no tags: invalidate the pages' paths, or everything when they are unknown."""

    header = ""
    max_paths = 3000  # CloudFront's limit of paths in one invalidation

    def __init__(self, options: dict):
        super().__init__(options)
        import boto3  # only sites behind CloudFront need boto3; without it, fail at startup

        self.boto3 = boto3
        self.distribution_id = options["DISTRIBUTION_ID"]
        self.endpoint_url = options.get("ENDPOINT_URL")
        self.region = options.get("REGION", "us-east-1")

    @functools.cached_property
    def client(self):
        import botocore.config

        # The task queue retries, so boto3 does not: one attempt, bounded by TIMEOUT.
        config = botocore.config.Config(
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            retries={"mode": "standard", "total_max_attempts": 1},
        )
        with _boto3_lock:  # boto3's default session is not thread-safe (its clients are)
            return self.boto3.client(
                "cloudfront", endpoint_url=self.endpoint_url, region_name=self.region, config=config
            )

    def purge(self, keys, urls):
        import botocore.exceptions

        paths = list(dict.fromkeys(_path(url) for url in urls))
        if (keys and not paths) or len(paths) > self.max_paths:
            paths = ["/*"]
        if not paths:
            return
        batch = {
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": uuid.uuid4().hex,
        }
        try:
            self.client.create_invalidation(
                DistributionId=self.distribution_id, InvalidationBatch=batch
            )
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self.failed(f"CloudFront invalidation failed: {exc}") from exc


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


BACKENDS = {
    "varnish": VarnishBackend,
    "cloudflare": CloudflareBackend,
    "fastly": FastlyBackend,
    "cloudfront": CloudFrontBackend,
}


@functools.cache
def get_backend() -> PurgeBackend | None:
    """The backend settings.EDGE_CACHE describes, or None when there is no edge cache."""
    options = dict(getattr(settings, "EDGE_CACHE", None) or {})
    name = options.pop("BACKEND", "")
    if not name:
        return None
    try:
        backend_class = BACKENDS.get(name) or import_string(name)
    except ImportError as exc:
        raise ImproperlyConfigured(f"EDGE_CACHE: unknown BACKEND {name!r}") from exc
    return backend_class(options)


@receiver(setting_changed)
def _forget_backend(*, setting, **kwargs):
    if setting == "EDGE_CACHE":
        get_backend.cache_clear()
