import sys


def progress_bar(stream, label: str = ""):
    """A function (done, total) that redraws a one-line text progress bar on `stream`."""

    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r{label}[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done >= total:
            stream.write("")
        sys.stderr.flush()

    return draw
