"""Reading settings from the environment: one function per type, used by config/settings.py.

A variable that is unset, or set to the empty string, gives the default (strings excepted: an
empty string is a value). A value that cannot be read stops the site at start-up with
ImproperlyConfigured naming the variable and what it should be, not a traceback from int().
"""

import json
import os
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def string(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def integer(name: str, default: int, *, minimum: int = 0) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, raw, "a whole number") from None
    if value < minimum:
        raise _bad(name, raw, f"a whole number of at least {minimum}")
    return value


def number(name: str, default: float, *, minimum: float = 0) -> float:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise _bad(name, raw, "a number") from None
    if not minimum <= value < float("inf"):  # also refuses "nan"
        raise _bad(name, raw, f"a number of at least {minimum}")
    return value


def boolean(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise _bad(name, raw, "one of 1/0, true/false, yes/no, on/off")


def strings(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or default


def choice(name: str, default: str, choices: Collection[str]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise _bad(name, value, "one of " + ", ".join(choices))
    return value


def json_value(name: str, default: Any) -> Any:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except ValueError as error:  # the value is not shown: it may hold credentials
        raise ImproperlyConfigured(f"{name} is not valid JSON ({error}).") from None


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _bad(name: str, raw: str, expected: str) -> ImproperlyConfigured:
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return ImproperlyConfigured(f"{name}={shown!r} is not valid: it must be {expected}.")
