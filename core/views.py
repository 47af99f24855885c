"""Site-wide responses that belong to no app: robots.txt, the favicon, the 500/503 page."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.defaults import server_error as default_server_error
from django.views.generic import TemplateView

RETRY_AFTER_SECONDS = 30


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        sitemap_url = self.request.build_absolute_uri(reverse("sitemap"))
        return super().get_context_data(sitemap_url=sitemap_url, **kwargs)


def server_error(request, *args, **kwargs):
    """500 page, except when the database is unreachable: then a friendly 503 to retry later.

    Persistent connections are health-checked (CONN_HEALTH_CHECKS), so once the database is
    back the next request simply works.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return default_server_error(request, *args, **kwargs)


@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico; the icon itself is a static file.

    Not a permanent redirect: browsers keep those for good, and the file's name changes with
    its content (ManifestStaticFilesStorage).
    """
    return HttpResponseRedirect(static("favicon.ico"))
