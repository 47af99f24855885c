"""Find the Blogger export(s) in what the user gave us: an .xml/.atom file or a Takeout zip."""

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .blogger import ExportError

# Takeout lays each blog out as Takeout/Blogger/Blogs/<blog name>/feed.atom.
TAKEOUT_FEED = re.compile(r"(?:^|/)Blogger/Blogs/([^/]+)/feed\.atom$")


@dataclass
class ExportFile:
    label: str  # how messages name it
    blog_name: str  # the blog's folder in a Takeout zip, else the file's name
    open: Callable[[], BinaryIO]


def exports_in(path: Path, *, blog: str | None = None, max_bytes: int) -> list[ExportFile]:
    """Every export in `path` (one for a plain file), refusing any over `max_bytes`."""
    try:
        with path.open("rb") as probe:
            is_zip = probe.read(4) == b"PK\x03\x04"
        size = path.stat().st_size
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror}") from None
    if not is_zip:
        _check_size(path.name, size, max_bytes)
        return [ExportFile(path.name, path.stem, lambda: path.open("rb"))]
    try:
        with zipfile.ZipFile(path) as archive:
            feeds = [
                (match.group(1), info)
                for info in archive.infolist()
                if (match := TAKEOUT_FEED.search(info.filename))
            ]
    except zipfile.BadZipFile:
        raise ExportError(f"{path.name} looks like a zip file but cannot be opened") from None
    if not feeds:
        raise ExportError(
            f"{path.name} holds no Blogger/Blogs/<blog name>/feed.atom (is it a Google Takeout "
            "of Blogger?)"
        )
    if blog is not None:
        chosen = [(name, info) for name, info in feeds if name.casefold() == blog.casefold()]
        if not chosen:
            names = ", ".join(f"“{name}”" for name, _ in feeds)
            raise ExportError(f"{path.name} has no blog named “{blog}”; it has {names}")
        feeds = chosen
    for name, info in feeds:
        _check_size(f"{name}/feed.atom", info.file_size, max_bytes)
    return [
        ExportFile(f"{name}/feed.atom in {path.name}", name, _member_opener(path, info.filename))
        for name, info in feeds
    ]


def _member_opener(path: Path, member: str) -> Callable[[], BinaryIO]:
    def open_member():
        archive = zipfile.ZipFile(path)
        stream = archive.open(member)
        close = stream.close

        def close_both():
            close()
            archive.close()

        stream.close = close_both
        return stream

    return open_member


def _check_size(label: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ExportError(
            f"{label} is {size / 1_000_000:.0f} MB, over the {max_bytes / 1_000_000:.0f} MB "
            "limit; raise it with --max-size if the file is really that large"
        )
