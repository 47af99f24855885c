"""Background work on articles (django-tasks; run by `manage.py db_worker`)."""

from django_tasks import task

from . import services

# Renditions for a whole imported blog can keep the worker busy for minutes: they wait behind
# the site's own work (a moderator's notice, an editor's upload), not in front of it.
IMPORT_PRIORITY = -10


@task()
def make_renditions(image_id: int, file_name: str, stale: list[str] | None = None) -> str:
    return services.render_image(image_id=image_id, file_name=file_name, stale=stale or ())


@task(priority=IMPORT_PRIORITY)
def copy_imported_picture(url: str, alt: str, article_ids: list[int]) -> str:
    from .importers import remote_images  # an importer, loaded only by the worker that needs it

    return remote_images.copy_and_use(url=url, alt=alt, article_ids=article_ids)


@task()
def render_missing_renditions() -> int:
    """The worker runs this every few minutes (PERIODIC_TASKS): images of the last day that
    still have no renditions ten minutes after upload (their task was lost) get them now."""
    return services.queue_missing_renditions()
