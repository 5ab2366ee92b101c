"""The time services read: `timezone.now()`, unless a block says otherwise.

The demo replays a year of work at the moments it happened (and a back-dated import
could do the same), so the services, not hand-written rows, compute every clock,
timeline and statistic. Only services read this; display code uses real time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.utils import timezone

_override: ContextVar[dt.datetime | None] = ContextVar("guanjia_now", default=None)


def now() -> dt.datetime:
    return _override.get() or timezone.now()


@contextlib.contextmanager
def at(moment: dt.datetime):
    """Run a block as if it were `moment` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("an aware datetime is needed")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
