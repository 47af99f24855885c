#!/usr/bin/env python3
"""A throwaway Wagtail 8 site that serves one essay page: the peer for bench/run.

A user who did not choose us would most likely run Wagtail, so bench/run measures, in the same
run and served the same way (gunicorn, 2 sync workers, PostgreSQL on 127.0.0.1:5432), a Wagtail
page holding the same text as our essay page.

    python3 bench/wagtail_peer.py build --essay-json FILE   # venv, site, database, the page
    python3 bench/wagtail_peer.py serve --port 8601         # gunicorn in the foreground

FILE holds {"title", "standfirst", "byline", "body_html"} and optionally "section" (the title
of the parent page, shown above the headline) and "site_name". Everything lives under
bench/.wagtail/ (git-ignored): the venv, and site/, rewritten by every build. The database is
WAGTAIL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_wagtail), created if
missing. This script uses the standard library only; Django work runs in the venv's python.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / ".wagtail"
VENV, SITE = HERE / "venv", HERE / "site"
PY, GUNICORN = VENV / "bin" / "python", VENV / "bin" / "gunicorn"
REQUIREMENTS = ["wagtail>=8,<9", "gunicorn", "psycopg[binary]"]
MARKER = VENV / ".bench-installed"  # holds REQUIREMENTS once they are installed

# The site. Settings as a fresh `wagtail start` project has them (its apps, its middleware),
# made production-like; our app `essays` stands in for its `home` and `search`.
SETTINGS = """# Settings of the Wagtail peer, written by bench/wagtail_peer.py: edits here are lost.
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = False
SECRET_KEY = "bench-only-wagtail-peer-key-5f2c9e0a7b1d4e8f9a3c6b2d1e0f4a7b"
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "essays", "wagtail.contrib.forms", "wagtail.contrib.redirects", "wagtail.embeds",
    "wagtail.sites", "wagtail.users", "wagtail.snippets", "wagtail.documents", "wagtail.images",
    "wagtail.search", "wagtail.admin", "wagtail", "modelcluster", "taggit", "django_filters",
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]
ROOT_URLCONF = "peer.urls"
WSGI_APPLICATION = "peer.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug", "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
# Connections handled as our site does: persistent, health-checked once a request.
_db = urlsplit(os.environ.get(
    "WAGTAIL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_wagtail"))
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": unquote(_db.path.lstrip("/")),
    "USER": unquote(_db.username or ""), "PASSWORD": unquote(_db.password or ""),
    "HOST": _db.hostname or "", "PORT": str(_db.port or ""),
    "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE, TIME_ZONE, USE_I18N, USE_TZ = "en-us", "UTC", True, True
STATIC_URL, STATIC_ROOT = "/static/", BASE_DIR / "collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL, MEDIA_ROOT = "/media/", BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
WAGTAIL_SITE_NAME = "Wagtail peer"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
LOGGING = {"version": 1, "disable_existing_loggers": False,  # errors to stderr, not nowhere
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"django": {"handlers": ["console"], "level": "ERROR"}}}
"""

URLS = """from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include(wagtail_urls)),
]
"""

WSGI = """import os
from django.core.wsgi import get_wsgi_application
os.environ["DJANGO_SETTINGS_MODULE"] = "peer.settings"  # not the caller's: bench/run sets ours
application = get_wsgi_application()
"""

MODELS = """from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

class EssayPage(Page):
    standfirst = models.TextField(blank=True)
    byline = models.CharField(max_length=255, blank=True)
    body = RichTextField(blank=True)
    content_panels = Page.content_panels + [FieldPanel(f) for f in ("standfirst", "byline", "body")]
"""

# Creates or updates the live page at slug "essay" under the default site's home page.
LOAD_ESSAY = """import json
from pathlib import Path
from django.core.management.base import BaseCommand
from wagtail.models import Site
from essays.models import EssayPage

class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        data = json.loads(Path(file).read_text(encoding="utf-8"))
        site = Site.objects.get(is_default_site=True)
        site.site_name = data.get("site_name", "The Essay Review")
        site.save()
        home = site.root_page.specific
        home.title = home.draft_title = data.get("section", "Essays")
        home.save()
        fields = {name: data[name] for name in ("title", "standfirst", "byline")}
        fields["body"] = data["body_html"]  # stored as-is: rich text renders plain HTML
        page = EssayPage.objects.child_of(home).filter(slug="essay").first()
        if page is None:
            page = home.add_child(instance=EssayPage(slug="essay", **fields))
        for name, value in fields.items():
            setattr(page, name, value)
        page.save_revision().publish()
        self.stdout.write(page.relative_url(site))  # "/essay/"
"""

BASE_HTML = """{% load static wagtailcore_tags wagtailuserbar %}<!doctype html>
{% wagtail_site as current_site %}<html lang="en">
<head>
  <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{{ page.seo_title|default:page.title }}{% endblock %}
    · {{ current_site.site_name }}</title>
  <meta name="description"
    content="{% block description %}{{ page.search_description }}{% endblock %}">
  <link rel="canonical" href="{{ page.full_url }}">
  <link rel="stylesheet" href="{% static 'css/peer.css' %}">
  <link rel="icon" href="data:,">
</head>
<body>
  {% wagtailuserbar %}
  <a class="skip-link" href="#main">Skip to main content</a>
  <header class="site-header">
    <div class="container">
      <a class="site-name" href="/">{{ current_site.site_name }}</a>
      <form class="site-search" role="search" method="get" action="/search/">
        <label class="visually-hidden" for="q">Search essays</label>
        <input type="search" id="q" name="q" placeholder="Search essays" maxlength="200">
        <button type="submit">Search</button>
      </form>
      <nav aria-label="Main"><ul class="nav">
        <li><a href="/">Essays</a></li><li><a href="/archive/">Archive</a></li>
        <li><a href="/feed/">RSS</a></li></ul></nav>
    </div>
  </header>
  <main id="main" class="container" tabindex="-1">{% block content %}{% endblock %}</main>
  <footer class="site-footer">
    <div class="container">
      <p>© {% now "Y" %} {{ current_site.site_name }}</p>
      <ul class="list-inline"><li><a href="/about/">About</a></li>
        <li><a href="/archive/">Archive</a></li><li><a href="/feed/">RSS</a></li></ul>
    </div>
  </footer>
</body>
</html>
"""

ESSAY_HTML = """{% extends "base.html" %}{% load wagtailcore_tags %}
{% block description %}{{ page.search_description|default:page.standfirst|truncatechars:160 }}
{% endblock %}
{% block content %}
<article class="essay">
  <header class="essay-header">
    {% with section=page.get_parent %}
    <p class="section-name"><a href="{% pageurl section %}">{{ section.title }}</a></p>
    {% endwith %}
    <h1 class="essay-title">{{ page.title }}</h1>
    <p class="standfirst lead">{{ page.standfirst }}</p>
    <p class="byline">By {{ page.byline }}</p>
    <p class="essay-meta"><time datetime="{{ page.first_published_at|date:'c' }}">
      {{ page.first_published_at|date:"j F Y" }}</time></p>
  </header>
  <div class="essay-body">{{ page.body|richtext }}</div>
</article>
{% endblock %}
"""

FILES = {
    "peer/settings.py": SETTINGS,
    "peer/urls.py": URLS,
    "peer/wsgi.py": WSGI,
    "essays/models.py": MODELS,
    "essays/management/commands/load_essay.py": LOAD_ESSAY,
    "templates/base.html": BASE_HTML,
    "templates/essays/essay_page.html": ESSAY_HTML,
    # The home page is the plain Page that Wagtail's migrations make: "/" should not be a 500.
    "templates/wagtailcore/page.html": '{% extends "base.html" %}{% block content %}'
    "<h1>{{ page.title }}</h1>{% endblock %}\n",
    "static/css/peer.css": "body{font:18px/1.6 Georgia,serif;margin:0}"
    ".container{max-width:42rem;margin:0 auto;padding:0 1rem}.standfirst{font-size:1.25rem}\n",
}
PKGS = ["peer", "essays", "essays/migrations", "essays/management", "essays/management/commands"]

# Run in the venv before migrate: create the database named in the settings if it is missing.
ENSURE_DB = """from django.conf import settings
import psycopg
from psycopg import sql
db = settings.DATABASES["default"]
with psycopg.connect(dbname="postgres", user=db["USER"] or None, password=db["PASSWORD"] or None,
                     host=db["HOST"] or None, port=db["PORT"] or None, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        print("created database", db["NAME"])
"""


def site_env():
    """The caller's environment with the peer's settings (bench/run exports ours)."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "peer.settings", "PYTHONPATH": str(SITE)}


def run(*cmd):
    if subprocess.run(cmd, cwd=SITE, env=site_env(), check=False).returncode:
        sys.exit(f"wagtail_peer: {' '.join(map(str, cmd))} failed")


def build(essay_json: Path):
    essay_json = essay_json.resolve()
    if not essay_json.is_file():
        sys.exit(f"wagtail_peer: no such file {essay_json}")
    # 1. The venv, installed once: the marker records what was installed.
    if not PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if not MARKER.exists() or MARKER.read_text() != wanted:
        subprocess.run([str(PY), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
        MARKER.write_text(wanted)
    # 2. The site's files, rewritten each time so that they always match this script.
    for package in PKGS:  # each with an empty __init__.py
        (SITE / package).mkdir(parents=True, exist_ok=True)
        (SITE / package / "__init__.py").touch()
    for name, text in FILES.items():
        (SITE / name).parent.mkdir(parents=True, exist_ok=True)
        (SITE / name).write_text(text)
    # 3. Database, schema, static files (the manifest storage needs collectstatic), the page.
    run(PY, "-c", ENSURE_DB)
    django = [PY, "-m", "django"]  # manage.py, given site_env()'s settings and path
    run(*django, "makemigrations", "essays", "-v0")
    run(*django, "migrate", "--noinput", "-v0")
    run(*django, "collectstatic", "--noinput", "-v0")
    run(*django, "load_essay", str(essay_json))  # prints the page's URL path


def serve(port: int):
    if not (GUNICORN.exists() and (SITE / "peer" / "wsgi.py").exists()):
        sys.exit("wagtail_peer: run `build` first")
    os.chdir(SITE)  # no gunicorn.conf.py here, and GUNICORN_CMD_ARGS is dropped: only our flags
    env = {k: v for k, v in site_env().items() if k != "GUNICORN_CMD_ARGS"}
    args = [str(GUNICORN), "peer.wsgi:application", "--workers", "2", "--worker-class", "sync"]
    args += ["--bind", f"127.0.0.1:{port}", "--max-requests", "0", "--preload"]
    args += ["--error-logfile", "-"]  # and no --access-logfile: no access log
    # gunicorn 27 opens a control socket at one fixed path per user by default: servers that
    # bench/run starts side by side would fight over it, and none of them needs it.
    args += ["--no-control-socket"]
    os.execve(args[0], args, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build").add_argument("--essay-json", type=Path, required=True)
    sub.add_parser("serve").add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.command == "build":
        build(args.essay_json)
    else:
        serve(args.port)


if __name__ == "__main__":
    main()
