"""Real-browser tests: Debian's Chromium driven by Playwright (shared/BROWSER_TESTS.md).

Skipped with a clear reason where Chromium or Playwright is missing; CI installs both.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

try:
    import playwright  # noqa: F401

    HAVE_PLAYWRIGHT = True
except ImportError:
    HAVE_PLAYWRIGHT = False


def pytest_collection_modifyitems(config, items):
    reason = None
    if not HAVE_PLAYWRIGHT:
        reason = "Playwright for Python is not installed"
    elif not os.path.exists(CHROMIUM):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if reason:
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync",
        ],
    }  # fmt: skip


@pytest.fixture
def site(live_server, settings, transactional_db):
    """The demo site on a live server: essays, comments, an editor and a moderator."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from tests.factories import ensure_groups

    ensure_groups()
    settings.COMMENTS_MIN_SECONDS = 0  # a test types faster than a person
    settings.PAGE_CACHE_SECONDS = 3600  # as in production: journeys go through the page cache
    call_command("load_demo", verbosity=0)
    User = get_user_model()
    for name, group in (("editor", "Editors"), ("moderator", "Moderators")):
        user = User.objects.create_user(
            name, f"{name}@example.org", "browser-pass-1", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
    return live_server


@pytest.fixture
def watch(page):
    """Fails the test on any console error or failed request of the pages visited."""
    problems = []
    page.on(
        "console",
        lambda msg: msg.type == "error" and problems.append(f"console: {msg.text} {msg.location}"),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "requestfailed",
        # A request cut short because the page moved on (a redirect, a click) is not a failure.
        lambda request: (
            request.failure != "net::ERR_ABORTED"
            and problems.append(f"failed: {request.url} {request.failure}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"{response.status}: {response.url}")
        ),
    )
    yield problems
    assert problems == []
