"""What the import commands print, the same way for Blogger and WordPress."""

from .progress import progress_bar


def add_import_options(parser, *, old_images: str, max_mb: int) -> None:
    """--dry-run, --copy-images and --max-size, which every importer takes."""
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change, and change nothing"
    )
    parser.add_argument(
        "--copy-images",
        action="store_true",
        help="download the posts' images into the media library (default: keep linking "
        f"to {old_images})",
    )
    parser.add_argument(
        "--max-size", type=int, default=max_mb, metavar="MB", help="refuse larger files"
    )


def summary_line(label: str, summary, *, dry_run: bool) -> str:
    def counts(counter):
        return ", ".join(f"{counter[k]} {k}" for k in ("essays", "drafts", "pages", "comments"))

    verb = "Would import" if dry_run else "Imported"
    return (
        f"{verb} {label}: new {counts(summary.created)}; updated {counts(summary.updated)}; "
        f"unchanged {counts(summary.unchanged)}; {summary.redirects} new old-address redirects; "
        f"{len(summary.skipped)} skipped."
    )


def copy_pictures(command, article_ids, *, old_home: str) -> None:
    """`--copy-images`: queue each picture's copy and say what became of it."""
    from articles.importers.remote_images import QUEUED, copy_images

    report = copy_images(article_ids, progress=progress_bar(command.stderr, "images "))
    for url, outcome in report:
        command.stdout.write(f"  image {url}: {outcome}")
    if any(outcome == QUEUED for _, outcome in report):
        command.stdout.write(
            "  The task worker (manage.py db_worker) downloads each picture and makes its "
            f"renditions; each essay shows our copy once it is ready, {old_home} until then. "
            "Each picture's outcome: the admin's Task results list."
        )
