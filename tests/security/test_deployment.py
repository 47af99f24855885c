"""Production settings pass Django's deploy checks; every response carries security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import comment_data, make_article

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p7$Lq9!vR2@xZ4#nB6^mW8&kT0*jH3(fD5)gS1+cV7-aY9=eU2",
    "ALLOWED_HOSTS": "blog.example.org",
    "SITE_URL": "https://blog.example.org",
    "TRUSTED_PROXY_COUNT": "1",  # behind deploy/nginx.conf (core.W001 without it)
}


def test_check_deploy_reports_nothing_with_production_settings():
    env = {**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_uses_hsts_and_secure_cookies():
    code = (  # reading the settings runs config/settings.py; no app needs loading
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT)"
    )
    env = {**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "article", "feed", "admin-login", "not-found"])
def test_security_headers_on_every_response(client, name):
    article = make_article()
    url = {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "feed": reverse("articles:feed"),
        "admin-login": reverse("admin:login"),
        "not-found": "/nowhere/",
    }[name]
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_cookies_are_httponly_and_samesite(client):
    article = make_article()
    assert not client.get(article.get_absolute_url()).cookies  # a reader gets none at all
    csrf = client.get(reverse("admin:login")).cookies["csrftoken"]
    url = reverse("comments:post", args=[article.slug])
    posted = client.post(url, comment_data(article)).cookies  # their pending comment
    for cookie in (csrf, posted["sessionid"], posted["messages"]):
        assert cookie["httponly"] and cookie["samesite"] == "Lax", cookie.key


@pytest.mark.django_db
def test_pages_contain_no_inline_scripts(client):
    """Only JSON data blocks may be inline (they are not executed); no code is."""
    import re

    article = make_article()
    for url in [reverse("articles:home"), article.get_absolute_url(), reverse("admin:login")]:
        html = client.get(url).text
        for attrs in re.findall(r"<script([^>]*)>", html):
            assert (
                "src=" in attrs or "application/ld+json" in attrs or "application/json" in attrs
            ), attrs
        assert not re.search(r"\son[a-z]+=", html), url


@pytest.mark.django_db
def test_static_files_carry_the_security_headers_too(settings):
    from django.test import Client

    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ as in development
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
