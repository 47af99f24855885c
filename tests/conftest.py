import pytest


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
    """Page caching is tested on its own (tests/test_page_cache.py), with commits simulated;
    elsewhere tests change data inside one transaction, where cache versions cannot move."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limit lives in the cache; every test starts with a fresh allowance."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def moderator_client(client, db):
    from tests.factories import make_moderator

    client.force_login(make_moderator())
    return client
