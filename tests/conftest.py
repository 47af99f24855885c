import pytest

from tests.shared_data import TEST_SETTINGS


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor_client(client, db):
    from tests.factories import make_editor

    client.force_login(make_editor())
    return client


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """The origin's page cache is tested on its own (tests/test_page_cache.py, with real
    commits); elsewhere tests change data inside one transaction, which never commits, so no
    purge would run."""
    settings.PAGE_CACHE_SECONDS = TEST_SETTINGS["PAGE_CACHE_SECONDS"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limit lives in the cache; every test starts with a fresh allowance."""
    from django.core.cache import cache

    from core.edge.pages import forget_next_change
    from core.edge.store import local

    cache.clear()
    local.clear()
    forget_next_change()
    yield
    cache.clear()
    local.clear()


@pytest.fixture
def moderator_client(client, db):
    from tests.factories import make_moderator

    client.force_login(make_moderator())
    return client


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush and re-create content types with new ids; forget cached ones."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


# Modules whose tests share data made once per module (an imported corpus file, a set of
# essays): with two workers, each of these runs whole on one worker, so it is made once.
SHARED_PER_MODULE = {
    "tests/articles/test_blogger_corpus.py",
    "tests/articles/test_wordpress_corpus.py",
    "tests/articles/test_search.py",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`-n 2` (`make quick`): tests go one at a time to whichever worker is free, except the
    SHARED_PER_MODULE modules, which go whole. xdist's own `loadgroup` would do this by marker,
    but its marker has no effect under pytest 9.2 (it rewrites a node id pytest no longer
    reads). The largest groups are sent first; single tests keep the order sorted below."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneAtATimeExceptSharedModules(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return module if module in SHARED_PER_MODULE else nodeid

    return OneAtATimeExceptSharedModules(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The heavy tests first, and transactional tests (live server, browser, load) last.

    pytest-django sorts transactional ones last, but pytest-playwright re-sorts by browser
    afterwards; a transactional test empties the database when it ends, so it must not run
    before others. Heavy ones (15 s for the round trip) go first so that, with two workers,
    neither is left running one alone at the end.
    """

    def transactional(item):
        marker = item.get_closest_marker("django_db")
        flagged = bool(marker and marker.kwargs.get("transaction"))
        fixtures = getattr(item, "fixturenames", [])
        return flagged or "transactional_db" in fixtures or "live_server" in fixtures

    items.sort(key=lambda item: (transactional(item), not item.get_closest_marker("heavy")))


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run in the process that enqueues them, except in tests of the queue itself
    (tests/core/test_outbox.py and the fault tests run a real `db_worker`)."""
    settings.TASKS = TEST_SETTINGS["TASKS"]


@pytest.fixture(autouse=True)
def _reply_notices_at_once(settings):
    """Reply emails wait two minutes for a moderator's undo in production; tests of that wait
    (tests/comments/test_notifications.py) set it back."""
    settings.COMMENTS_REPLY_NOTICE_DELAY_SECONDS = 0
