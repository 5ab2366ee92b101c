"""URLs that pages build many times over, reversed once per script prefix and URLconf.

`reverse()` walks the resolver on every call (about 50 µs); a menu of a dozen entries and a
table of fifty rows, each with its link, spent a good part of a page on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Reversed in place of a real primary key, then split on: no route of ours has such a number in it.
_SENTINEL = 918273645


@lru_cache(maxsize=256)
def _address(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


def address(name: str) -> str:
    """`reverse(name)` for a URL without arguments."""
    return _address(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=64)
def _object_address(name: str, prefix: str, urlconf) -> tuple[str, str]:
    head, sentinel, tail = reverse(name, args=[_SENTINEL], urlconf=urlconf).rpartition(str(_SENTINEL))
    if not sentinel:  # pragma: no cover - a route that does not show its argument
        raise ValueError(f"{name} does not take a primary key in its path")
    return head, tail


def object_address(name: str) -> Callable[[int], str]:
    """A function giving `reverse(name, args=[pk])` for any pk, by joining the route's two fixed halves."""
    fixed = _fixed.get()
    if fixed is not None:
        found = fixed.get(name)
        if found is None:
            found = fixed[name] = _object_address(name, get_script_prefix(), get_urlconf())
        head, tail = found
    else:
        head, tail = _object_address(name, get_script_prefix(), get_urlconf())
    return lambda pk: f"{head}{int(pk)}{tail}"


# Inside `fixed_prefix()`: the routes' halves already found, by name, for the prefix and URLconf of its start.
_fixed: ContextVar[dict | None] = ContextVar("guanjia_fixed_addresses", default=None)


@contextlib.contextmanager
def fixed_prefix() -> Iterator[None]:
    """Build many links under one script prefix and URLconf (a job writing thousands of notices): the two are
    thread-local lookups that cost more than the rest of a link."""
    token = _fixed.set({})
    try:
        yield
    finally:
        _fixed.reset(token)
