"""HTTP readers for the tests against a live server: their own cookies, address, no redirects."""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def reader(n: int):
    """A browser of its own: a cookie jar, its own address, no redirects followed."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    # A browser says where a form post comes from (core/origin.py checks it).
    opener.addheaders = [
        ("X-Forwarded-For", f"198.51.100.{n + 1}"),
        ("Sec-Fetch-Site", "same-origin"),
    ]
    return opener


def fetch(opener, url, data=None, timeout=20):
    try:
        with opener.open(url, data=data, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def form_post(opener, url, fields: dict, timeout=20):
    return fetch(opener, url, urllib.parse.urlencode(fields).encode(), timeout=timeout)
