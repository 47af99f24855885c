# Varnish 7 in front of the essay site (README "Speed: caching at the edge"). Needs Debian's
# varnish-modules for xkey. The app nodes are in backends.vcl, next to this file.
#
# - Anonymous readers share one copy of each page: their cookies are dropped (the site sets
#   none for them), so analytics or an old csrftoken cookie cannot split the cache.
# - A reader with personal state carries `sessionid` (signed in, or their own comment awaiting
#   moderation) or `messages`: those requests go to the app, cookies and all.
# - Lifetimes come from the app: `s-maxage` (capped by the next scheduled change) and
#   `stale-while-revalidate`. While every node is sick, stale pages are served for up to 6 h.
# - The app purges exactly the pages a change touches: `PURGE /` with `xkey-purge: essay-12
#   home`, allowed from loopback, or from anywhere with the X-Purge-Token header matching the
#   VARNISH_PURGE_TOKEN environment variable of varnishd (unset: no token is accepted).
vcl 4.1;

import std;
import xkey;

include "backends.vcl";

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    call pick_node;
    if (req.method == "PURGE") {
        if (!(client.ip ~ purgers) && (std.getenv("VARNISH_PURGE_TOKEN") == ""
                || req.http.X-Purge-Token != std.getenv("VARNISH_PURGE_TOKEN"))) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Say which keys: xkey-purge"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);  # personal: never from, never into the cache
    }
    unset req.http.Cookie;
    unset req.http.Authorization;
    # Campaign tags change nothing on a page; one copy serves them all.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|mc_eid)=[^&]*", "\1");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = regsuball(req.url, "\?&+", "?");
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;  # at most EDGE_STALE_SECONDS of staleness while nodes are healthy
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Key && !beresp.http.xkey) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    if (beresp.status >= 500) {
        set beresp.uncacheable = true;  # never keep an error; a stale copy is served instead
        set beresp.ttl = 10s;
        return (deliver);
    }
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        # The app said nothing (a 404, a redirect): Varnish's default_ttl would keep it for 2 min
        # with no key to purge it by, e.g. a scheduled essay's 404 after it went live.
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    set beresp.grace = 6h;  # served only while every node is sick (req.grace above)
    set beresp.keep = 1h;   # lets Varnish revalidate with If-None-Match
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
