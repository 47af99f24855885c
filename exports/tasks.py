"""The admin's "Download export" runs here (django-tasks; `manage.py db_worker`)."""

from django_tasks import task

from . import services

# A whole-site export can keep the worker busy for minutes: it waits behind the site's own
# work (a moderator's notice, an editor's upload), like an import's renditions.
EXPORT_PRIORITY = -10


@task(priority=EXPORT_PRIORITY)
def export_site(export_id: int) -> str:
    return services.run_site_export(export_id)
