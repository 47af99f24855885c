"""Request bodies too big for where they are sent are refused (413) before anyone reads them.

Django would otherwise read and spool them: the multipart parser writes uploads over 2.5 MB to
the temporary directory, whoever sends them. deploy/nginx.conf sets the same limits at the edge;
these keep the rule for a site reached without it.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def too_large() -> HttpResponse:
    """A page that says what happened, and how a commenter gets their text back (Back)."""
    limit = f"{settings.COMMENTS_MAX_LENGTH:,}"
    return HttpResponse(render_to_string("413.html", {"comment_limit": limit}), status=413)


def body_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body at all then


def is_admin_path(request) -> bool:
    return request.path_info.startswith(f"/{settings.ADMIN_URL}")


class RequestBodyLimitMiddleware:
    """Near the top of MIDDLEWARE, before anything reads a body: Content-Length over
    REQUEST_MAX_BODY_KB (ADMIN_MAX_BODY_MB on admin paths, for image uploads) → 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = (
            settings.ADMIN_MAX_BODY_MB * 1024 * 1024
            if is_admin_path(request)
            else settings.REQUEST_MAX_BODY_KB * 1024
        )
        if body_length(request) > limit:
            return too_large()
        return self.get_response(request)


class AdminBodyLimitMiddleware:
    """After AuthenticationMiddleware: the admin's larger allowance is for signed-in staff only,
    so nobody can push an upload-sized body at the login page. The user is looked up only for
    such a body. Multipart bodies are first read by CsrfViewMiddleware in process_view, which
    runs after every middleware's request phase, so after this one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            body_length(request) > settings.REQUEST_MAX_BODY_KB * 1024
            and is_admin_path(request)
            and not (request.user.is_active and request.user.is_staff)
        ):
            return too_large()
        return self.get_response(request)
