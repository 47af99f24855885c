"""Form bodies the site cannot read are refused with a plain 400 before anything parses them."""

from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponse

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Every browser sends forms in the page's encoding, and every page here is UTF-8 (and sends no
# charset at all). ASCII is a subset of UTF-8; anything else is a tool or an attacker.
UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}


class UndecodableForm(Exception):
    pass


class FormEncodingMiddleware:
    """Accept POSTed forms only in UTF-8: other charsets, unknown ones and invalid bytes → 400.

    Without it Django raises BadRequest for a non-UTF-8 urlencoded body, and the 400 and 500
    handlers (which check CSRF, so read the body again) raise it again: a 500 with three chained
    tracebacks. Django ignores a charset it does not know and reads undecodable bytes as
    Latin-1 (mojibake stored as if the reader typed it); here both are refused. Listed before
    CsrfViewMiddleware, the first code that reads request.POST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                check_form_body(request)
            except UndecodableForm as exc:
                return HttpResponse(
                    f"Bad request: {exc}\n",
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


def check_form_body(request) -> None:
    charset = request.content_params.get("charset")
    if charset is not None:
        if charset.strip().lower() not in UTF8_NAMES:
            raise UndecodableForm("forms must be sent as UTF-8.")
        request.encoding = "utf-8"  # Django itself refuses "utf8" and "us-ascii"
    if request.content_type != "application/x-www-form-urlencoded":
        # Multipart fields are decoded with errors="replace" and never fail; the body may be a
        # large upload, so it is not read here.
        return
    try:
        # Both layers strictly: raw bytes, then the bytes that %XX escapes stand for.
        parse_qsl(
            request.body.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise UndecodableForm("this form is not valid UTF-8.") from exc
    except ValueError as exc:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise UndecodableForm("this form has too many fields.") from exc
