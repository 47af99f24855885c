"""Cross-site request protection for forms on shared pages.

Django's CSRF protection needs a per-visitor token in the page and a cookie, so a page with a
form could never be cached for everyone. For anonymous readers, `same_origin_post` checks what
the browser itself says about where the request came from instead:
- `Sec-Fetch-Site` (sent by every current browser) must be `same-origin`;
- without it, `Origin` must be this site (or one of CSRF_TRUSTED_ORIGINS);
- with neither header, the POST is refused: browsers have sent `Origin` on every form POST
  since 2020, and a request with none does not come from another site's page in a browser.
A page on another site cannot forge these headers, and an anonymous reader has no credential
an attacker could borrow. Signed-in users keep Django's full CSRF check (token and cookie):
their pages are never shared, so their forms carry the token.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware, _get_failure_view
from django.views.decorators.csrf import csrf_exempt


def is_same_origin(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.scheme}://{request.get_host()}"


def same_origin_post(view):
    """Signed-in users: Django's CSRF check. Anonymous readers: the same-origin check above."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "_dont_enforce_csrf_checks", False):  # Django's test client
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            refused = CsrfViewMiddleware(view).process_view(request, view, args, kwargs)
        elif not is_same_origin(request):
            refused = _get_failure_view()(request, reason="cross-site or unlabelled form post")
        else:
            refused = None
        return refused or view(request, *args, **kwargs)

    return csrf_exempt(wrapper)
