"""Counting failed sign-ins per account and per real client address, atomically, across processes.

Each attempt is counted *before* its password is checked (`reserve`), inside one transaction holding
the counters' rows: the check and the count are one step, so thirty parallel guesses against a limit
of five get exactly five password checks, whether they come from threads or from several server
processes. A success gives the reservation back (`release`): the account's counter starts again and
the address's loses the attempt, so colleagues signing in from one office address never lock it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, When
from django.db.models.functions import Greatest
from django.utils import timezone

from guanjia.accounts.models import FailureCounter


@dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    locked_until: datetime | None = None
    locks_now: bool = False  # this attempt, if it fails, is the one that locks


def limits(username: str, address: str | None) -> list[Limit]:
    found = [Limit(f"user:{username.strip().casefold()}", settings.GUANJIA_LOGIN_MAX_FAILURES)]
    if address:
        found.append(Limit(f"addr:{address}", settings.GUANJIA_LOGIN_ADDRESS_MAX_FAILURES))
    return found


def _lock_period() -> timedelta:
    return timedelta(minutes=settings.GUANJIA_LOGIN_LOCK_MINUTES)


def reserve(checks: list[Limit], now: datetime | None = None) -> Verdict:
    """Count one attempt against every key, unless one of them is locked (then count nothing)."""
    now = now or timezone.now()
    period = _lock_period()
    keys = sorted(check.key for check in checks)
    with transaction.atomic():
        FailureCounter.objects.bulk_create(
            [FailureCounter(key=key, window_start=now) for key in keys], ignore_conflicts=True
        )
        rows = {row.key: row for row in FailureCounter.objects.select_for_update().filter(key__in=keys).order_by("key")}
        locked = [row.locked_until for row in rows.values() if row.locked_until and row.locked_until > now]
        if locked:
            return Verdict(allowed=False, locked_until=max(locked))
        locks_now = False
        for check in checks:
            row = rows[check.key]
            if row.locked_until or row.window_start <= now - period:  # a lock or a window that has passed
                row.failures, row.window_start, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= check.max_failures:
                row.locked_until = now + period
                locks_now = True
            row.save(update_fields=["failures", "window_start", "locked_until"])
        return Verdict(allowed=True, locked_until=None, locks_now=locks_now)


def release(checks: list[Limit]) -> None:
    """The attempt succeeded: the account's counter starts again, the address's gives the attempt back."""
    account, *addresses = checks
    with transaction.atomic():
        FailureCounter.objects.filter(key=account.key).update(failures=0, locked_until=None)
        for check in addresses:
            # The lock this very attempt set (its count reaching the limit) goes with it.
            FailureCounter.objects.filter(key=check.key).update(
                failures=Greatest(F("failures") - 1, 0),
                locked_until=Case(When(failures__lte=check.max_failures, then=None), default=F("locked_until")),
            )


def unlock(username: str) -> None:
    """An admin's hand: the account may try again at once."""
    FailureCounter.objects.filter(key=f"user:{username.strip().casefold()}").update(failures=0, locked_until=None)


def purge(now: datetime | None = None) -> int:
    """Forget counters whose window and lock are long past (the retention job)."""
    now = now or timezone.now()
    cutoff = now - 2 * _lock_period()
    return FailureCounter.objects.filter(window_start__lt=cutoff).exclude(locked_until__gt=now).delete()[0]
