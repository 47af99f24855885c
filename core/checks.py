"""System checks for how the site is deployed."""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning

HINT = (
    "Behind deploy/nginx.conf (one proxy) set TRUSTED_PROXY_COUNT=1, one more for each proxy "
    "or load balancer in front of it."
)


@register(Tags.security, deploy=True)
def proxy_count_is_set(app_configs, **kwargs):
    """What the settings alone show: HTTPS is taken from a proxy's X-Forwarded-Proto
    (SECURE_PROXY_SSL_HEADER), yet the proxy's X-Forwarded-For is not trusted."""
    if settings.DEBUG or settings.TRUSTED_PROXY_COUNT:
        return []
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return []
    return [
        CheckWarning(
            "The site takes HTTPS from a proxy (SECURE_PROXY_SSL_HEADER) but "
            "TRUSTED_PROXY_COUNT is 0: every reader will have the proxy's address, so five bad "
            "admin sign-ins lock out everyone and the comment rate limit is shared by all.",
            hint=HINT,
            id="core.W001",
        )
    ]


@register(Tags.security)
def no_untrusted_forwarding_seen(app_configs, **kwargs):
    """What the running site saw: requests with X-Forwarded-For while TRUSTED_PROXY_COUNT was 0
    (noted by core.proxy.ForwardedForWatchMiddleware in the shared cache)."""
    if settings.DEBUG or settings.TRUSTED_PROXY_COUNT:
        return []
    from .proxy import untrusted_forwarding_seen

    seen = untrusted_forwarding_seen()
    if not seen:
        return []
    return [
        CheckWarning(
            f"Requests arrived with X-Forwarded-For (first at {seen}) while "
            "TRUSTED_PROXY_COUNT is 0: the site is behind a proxy it does not know about.",
            hint=HINT + " With no proxy, clients sent the header themselves (it is ignored).",
            id="core.W002",
        )
    ]
