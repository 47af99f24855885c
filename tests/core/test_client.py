"""The reader's address: which hop is believed, and that nothing but an IP address comes out."""

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from core.client import client_ip


def ask(remote_addr="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ask("192.0.2.10", forwarded="203.0.113.5") == "192.0.2.10"


def test_one_proxy_believes_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The reader wrote "198.51.100.66" themselves; nginx appended the address it saw.
    assert ask(forwarded="198.51.100.66, 203.0.113.5") == "203.0.113.5"
    assert ask(forwarded=" 203.0.113.7 ") == "203.0.113.7"


def test_two_proxies_believe_the_second_address_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ask(forwarded="198.51.100.66, 203.0.113.5, 10.0.0.9") == "203.0.113.5"


def test_fewer_forwarded_hops_than_proxies_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ask("192.0.2.44", forwarded="203.0.113.5") == "192.0.2.44"


@pytest.mark.parametrize(
    "forwarded", ["not-an-ip", "", "203.0.113.5, <script>", "\x00, ::ffff:<script>", "unknown"]
)
def test_a_forwarded_value_that_is_not_an_address_is_never_returned(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ask("192.0.2.44", forwarded=forwarded) == "192.0.2.44"


def test_a_bad_entry_in_a_trusted_hop_does_not_reach_into_the_readers_part(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # "garbage" sits where the outer proxy's entry should be: the reader's own entry to its
    # left must not be taken instead.
    assert ask("192.0.2.44", forwarded="198.51.100.66, garbage, 10.0.0.9") == "192.0.2.44"


def test_no_valid_address_at_all_gives_none(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ask("not-an-address", forwarded="nor-this") is None


def test_ipv6_addresses_are_kept(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ask("::1", forwarded="2001:db8::1") == "2001:db8::1"


def test_the_admin_lockout_uses_the_same_address():
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "core.client.client_ip"
