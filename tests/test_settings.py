"""Production settings refuse to start without a real secret key and host names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Reading the settings runs config/settings.py, where every check is; no app needs loading.
SETUP = "from django.conf import settings; print(settings.DEBUG)"


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
    result = run_django(  # every app loads too
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="blog.example.org",
        SITE_URL="https://blog.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def read_settings(names, **env):
    code = (
        "from django.conf import settings; "
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
        "from django.conf import settings; "
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


@pytest.mark.parametrize(
    "name, value",
    [
        ("COMMENTS_MAX_LENGTH", "abc"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("TASK_SWEEP_SECONDS", "soon"),
        ("DEBUG", "flase"),
        ("COMMENTS_MODERATION", "hold_some"),
        ("MEDIA_STORAGE_OPTIONS", "{not json"),
    ],
)
def test_a_bad_value_names_the_variable_instead_of_a_traceback_from_int(name, value):
    result = run_django(**{name: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert name in last_line
    assert "ValueError" not in result.stderr


def test_every_variable_keeps_its_default_when_unset_or_empty():
    names = [
        "COMMENTS_MAX_LENGTH",
        "TRUSTED_PROXY_COUNT",
        "FEED_FULL_CONTENT",
        "TASK_SWEEP_SECONDS",
    ]
    defaults = ["5000", "0", "False", "30.0"]
    assert read_settings(names) == defaults
    assert read_settings(names, **dict.fromkeys(names, "")) == defaults


def test_values_are_read_with_their_types():
    values = read_settings(
        ["COMMENTS_MAX_LENGTH", "FEED_FULL_CONTENT", "ALLOWED_HOSTS", "TASK_SWEEP_SECONDS"],
        COMMENTS_MAX_LENGTH=" 800 ",
        FEED_FULL_CONTENT="yes",
        ALLOWED_HOSTS="a.example, ,b.example",
        TASK_SWEEP_SECONDS="2.5",
    )
    assert values == ["800", "True", "['a.example', 'b.example']", "2.5"]


@pytest.mark.parametrize(
    "reader, raw, expected",
    [
        ("integer", "12", 12),
        ("number", "0.5", 0.5),
        ("boolean", "Off", False),
        ("boolean", "TRUE", True),
        ("strings", "x,,y ", ["x", "y"]),
        ("json_value", '{"a": 1}', {"a": 1}),
    ],
)
def test_the_reader_functions(monkeypatch, reader, raw, expected):
    from core import env

    monkeypatch.setenv("SOME_SETTING", raw)
    assert getattr(env, reader)("SOME_SETTING", None) == expected


@pytest.mark.parametrize("raw", ["nan", "inf", "-2"])
def test_a_number_must_be_finite_and_not_negative(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from core import env

    monkeypatch.setenv("SOME_SECONDS", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_SECONDS"):
        env.number("SOME_SECONDS", 1.0)
