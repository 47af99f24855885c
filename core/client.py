"""Who is asking: the reader's address, as the proxies in front of the site report it.

Used for the comment rate limit, the stored comment address and the admin lockout
(AXES_CLIENT_IP_CALLABLE). The parsing (ports, brackets, IPv4-mapped IPv6, addresses that can
never be a client) is django-ipware's; which hop to believe is TRUSTED_PROXY_COUNT's.
"""

from types import SimpleNamespace

from django.conf import settings
from ipware import get_client_ip

FORWARDED = "HTTP_X_FORWARDED_FOR"


def client_ip(request) -> str | None:
    """The reader's address, or None if the request carries no valid one.

    TRUSTED_PROXY_COUNT=0 believes REMOTE_ADDR only. With N proxies in front, each appends the
    address it saw to X-Forwarded-For, so the Nth entry from the right is the reader's; anything
    further left was written by the reader and is not looked at. When those N entries are
    missing or any of them is not an IP address (a malformed chain), REMOTE_ADDR is used.
    Whatever is not a valid IP is never returned, so it is never stored or used as a key.
    Addresses come back normalised: a port is dropped and an IPv4-mapped IPv6 address
    (::ffff:192.0.2.1) is written as IPv4, so one reader has one rate-limit key and history.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = request.META.get(FORWARDED, "").split(",")
        if len(forwarded) >= hops:
            # Only the trusted hops go to ipware, strictly: every one must be an address, and
            # it picks the leftmost of them (N-1 proxies after it), the one the outermost proxy
            # saw. Non-strict parsing would skip a bad entry and reach into the reader's part.
            trusted = {FORWARDED: ",".join(forwarded[-hops:])}
            ip, _routable = get_client_ip(
                SimpleNamespace(META=trusted),
                proxy_count=hops - 1,
                request_header_order=[FORWARDED],
                strict=True,
            )
            if ip is not None:
                return ip
    ip, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"], strict=True)
    return ip
