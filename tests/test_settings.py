"""Production settings refuse to start without a real secret key and host names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUP = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_django(**env):
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=clean, capture_output=True, text=True
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
