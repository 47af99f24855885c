"""Production settings refuse to start without a real secret key and host names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUP = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_django(code=SETUP, **env):
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "PORT", "DEFAULT_FROM_EMAIL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_development_needs_no_variables():
    result = run_django()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "blog.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "blog.example.org"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "blog.example.org"}, "SITE_URL"),
    ],
)
def test_production_refuses_to_start_without_secret_key_and_hosts(env, message):
    result = run_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_starts_with_real_settings():
    result = run_django(
        DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="blog.example.org",
        SITE_URL="https://blog.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def read_settings(names, **env):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print('|'.join(str(getattr(settings, n)) for n in {names!r}))"
    )
    result = run_django(code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_development_links_follow_the_port_the_site_is_served_on():
    """`PORT=8080 make run`: reply emails must link to :8080, not to a dead :8000."""
    assert read_settings(["SITE_URL"], PORT="8080") == ["http://localhost:8080"]
    assert read_settings(["SITE_URL"]) == ["http://localhost:8000"]


def test_mail_is_sent_by_the_site_at_its_own_host():
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "blog.example.org",
        "SITE_URL": "https://blog.example.org/",
        "SITE_NAME": "Notes, Essays",
    }
    sender, site_url = read_settings(["DEFAULT_FROM_EMAIL", "SITE_URL"], **production)
    assert sender == '"Notes, Essays" <noreply@blog.example.org>'
    assert site_url == "https://blog.example.org"
    chosen = read_settings(["DEFAULT_FROM_EMAIL"], **production, DEFAULT_FROM_EMAIL="ed@x.org")
    assert chosen == ["ed@x.org"]


def test_postgres_url_uses_persistent_connections():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['CONN_MAX_AGE'])"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1:5432/blog"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    engine, max_age = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert int(max_age) > 0


def test_benchmark_endpoints_are_off_unless_asked_for(client, db):
    assert client.get("/__bench__/hello/").status_code == 404
    assert client.get("/__bench__/template/").status_code == 404
