"""The one query-counting helper of the fixed-query tests (pages cost the same however full)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url, data=None) -> int:
    """How many SQL queries one GET of `url` costs; the page must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data).status_code == 200, url
    return len(queries)
