from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError, connection


@register("database")
def search_config_exists(app_configs, databases=None, **kwargs):
    """A misspelt SEARCH_CONFIG would make every search and every save fail on PostgreSQL."""
    if not databases or "default" not in databases or connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::regconfig", [settings.SEARCH_CONFIG])
    except DatabaseError:
        return [
            Error(
                f"SEARCH_CONFIG {settings.SEARCH_CONFIG!r} is not a PostgreSQL text search "
                "configuration (see `\\dF` in psql; e.g. english, simple, russian).",
                id="articles.E001",
            )
        ]
    return []
