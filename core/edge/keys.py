"""Surrogate keys: each response names what it shows, so a change can purge exactly those pages.

Views call `tag(request, "essay-12", "home")` while they build a page; `core.edge.pages` sends
the keys with the response and indexes its own copy under them; `core.edge.purge.changed()`
purges them when the data behind them changes.
"""


def tag(request, *keys: str) -> None:
    request.__dict__.setdefault("_edge_keys", set()).update(key for key in keys if key)


def keys_of(request) -> tuple[str, ...]:
    return tuple(sorted(getattr(request, "_edge_keys", ())))
