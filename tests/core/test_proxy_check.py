"""Behind a proxy the settings do not know about, the operator is told: in the log, at once,
and by `manage.py check --deploy`."""

import logging
import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks

from core import proxy
from tests.security.test_deployment import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch, settings):
    """As a newly started worker: nothing seen yet. Production settings, as served."""
    monkeypatch.setattr(proxy, "_seen_at", None)
    settings.DEBUG = False
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0


def warnings(caplog):
    return [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "core.proxy"]


def check_ids(deploy=True):
    return {message.id for message in run_checks(include_deployment_checks=deploy)}


def test_the_first_forwarded_request_logs_a_warning_once(client, fresh_process, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/robots.txt")  # no header: nothing to say
        assert not warnings(caplog)
        for n in range(3):
            client.get("/robots.txt", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    [record] = warnings(caplog)
    assert "TRUSTED_PROXY_COUNT is 0" in record.getMessage()
    assert "TRUSTED_PROXY_COUNT=1" in record.getMessage()


def test_the_check_reports_what_the_site_saw(client, fresh_process):
    assert "core.W002" not in check_ids()
    client.get("/robots.txt", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert "core.W002" in check_ids(deploy=False)  # every `manage.py` command shows it
    # Another process (`manage.py check` while gunicorn runs) finds it in the shared cache.
    proxy._seen_at = None
    assert "core.W002" in check_ids()


def test_nothing_to_report_with_the_proxy_count_set(client, fresh_process, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.WARNING):
        client.get("/robots.txt", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert not warnings(caplog)
    assert not {"core.W001", "core.W002"} & check_ids()


def test_the_deploy_check_warns_about_the_settings_alone(fresh_process, settings):
    assert "core.W001" in check_ids()
    assert "core.W001" not in check_ids(deploy=False)
    settings.TRUSTED_PROXY_COUNT = 1
    assert "core.W001" not in check_ids()


def test_check_deploy_names_the_fix_when_trusted_proxy_count_is_missing():
    env = {**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("TRUSTED_PROXY_COUNT", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "core.W001" in result.stderr and "TRUSTED_PROXY_COUNT=1" in result.stderr
