from django.utils.cache import patch_cache_control, patch_vary_headers


class SharedResponseMiddleware:
    """The last word on a shared page (core.edge.pages), after the session, CSRF and messages
    middleware have had theirs (so it sits above them in MIDDLEWARE).

    The session middleware adds `Vary: Cookie` whenever the session was looked at, but a shared
    page does not depend on cookies (personal requests never get one), and that header would
    split every cache by cookie. A shared response that has gained a cookie on the way out is
    not shared after all. Any other response that says nothing about caching is private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, "edge_shared", False):
            if "Cache-Control" not in response:  # a 404, a redirect: nothing said, not shared
                patch_cache_control(response, private=True, no_cache=True)
            return response
        if response.cookies:
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            if getattr(response, "edge_header", None):
                del response[response.edge_header]
            return response
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        kept = [v for v in vary if v.lower() != "cookie"]
        if kept:
            response["Vary"] = ", ".join(kept)
        elif "Vary" in response:
            del response["Vary"]
        return response
