"""Small helpers both export formats share."""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")


def utc_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, e.g. 2026-12-01T09:30:00Z (microseconds kept when any)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """itertools.batched (Python 3.12) for 3.11."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def absolute(url: str) -> str:
    """A storage URL as readers elsewhere can follow it (S3's are absolute already)."""
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def software_version() -> str:
    try:
        return version("essayblog")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0.1.0"
