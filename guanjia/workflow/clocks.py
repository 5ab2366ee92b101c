"""Clocks on the official working-day calendar, for any tracked item: start, pause, resume, restart,
extend, stop, cancel, and replay.

A clock's due time is always recomputed from its ledger (ClockEvent): the start (or the
last restart), the rule (working days or wall-clock hours, or a date chosen by hand),
extensions and pauses. Replaying the ledger is how a changed rule or a newly loaded holiday
year (provisional → official) moves open deadlines. "N working days" count from the next
working day (次日起算) and end at the close of the N-th (DOMAIN.md).

Each operation writes the clock and its ledger row; the item's own summary (its soonest
running deadline) is refreshed by `items.sync`, which the transition helper calls, or, for clocks moved
outside a transition, by `items.refresh_deadlines`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from guanjia.core import calendar as workcal
from guanjia.workflow.choices import Ledger, Measure
from guanjia.workflow.models import Clock, ClockEvent

DAYS, HOURS = Measure.DAYS.value, Measure.HOURS.value


@dataclass(frozen=True)
class Rule:
    """How a clock counts: `amount` working days or hours, due soon `warn` days (or hours) before.

    `fixed`: set by hand, so that later rule changes leave it alone. `until`: a date chosen by
    hand, whose close (or that of the last working day before it) is the deadline, recounted
    when the calendar under it changes; never before the close of `earliest` (the day it was set).
    """

    measure: str
    amount: int
    warn: int = 1
    fixed: bool = False
    until: dt.date | None = None
    earliest: dt.date | None = None


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def compute_due(*, start: dt.datetime, measure: str, amount: int, extra_hours: float = 0,
                calendar: workcal.WorkingCalendar | None = None) -> tuple[dt.datetime, bool]:
    """The due time of `amount` working days (close of the N-th working day, 次日起算) or wall-clock hours."""
    if measure == HOURS:
        return start + dt.timedelta(hours=amount + extra_hours), False
    try:
        result = workcal.deadline_at(local_date(start), amount, calendar=calendar)
    except workcal.CalendarUnavailable as error:
        raise ValidationError({"due_at": error.message}) from error
    return result.due, result.provisional


def warn_at(*, due: dt.datetime, measure: str, warn: int,
            calendar: workcal.WorkingCalendar | None = None) -> dt.datetime:
    """When a deadline turns due soon (临期, 黄牌).

    An hour clock: `warn` hours before it. A working-day clock counts working time: from the start
    of the working day `warn` working days before the due day (0: the due day itself), so that a
    deadline on a Monday is due soon from the Friday before it.
    """
    if measure == HOURS:
        return due - dt.timedelta(hours=warn)
    day = local_date(due)
    calendar = calendar or workcal.WorkingCalendar.load()
    counted = 0
    try:
        while counted < warn:
            day -= dt.timedelta(days=1)
            if calendar.is_working_day(day):
                counted += 1
    except workcal.CalendarUnavailable:  # before the calendar's first year: plain days then
        day = local_date(due) - dt.timedelta(days=warn)
    return _local_midnight(day)


def _amount_until(start: dt.datetime, until: dt.date, calendar) -> int:
    try:
        return max(workcal.working_days_between(local_date(start), until, calendar=calendar), 0)
    except workcal.CalendarUnavailable as error:
        raise ValidationError({"due_at": error.message}) from error


def _in_provisional_year(day: dt.date, calendar) -> bool:
    """A date chosen in the provisional year: its notice may make it a working day, and move the deadline."""
    calendar = calendar or workcal.WorkingCalendar.load()
    return calendar.is_provisional_year(day.year)


def _not_before(due: dt.datetime, earliest: str | None) -> dt.datetime:
    """A date chosen by hand never closes before the day it was chosen on."""
    if not earliest:
        return due
    floor = dt.datetime.combine(dt.date.fromisoformat(earliest), workcal.END_OF_DAY,
                                tzinfo=timezone.get_default_timezone())
    return max(due, floor)


def _calendar_for(measure: str, calendar):
    """One snapshot of the calendar for all the arithmetic of one operation (an hour clock needs none)."""
    if calendar is None and measure == DAYS:
        return workcal.WorkingCalendar.load()
    return calendar


def start(*, item, kind: str, at: dt.datetime, rule: Rule, calendar=None) -> Clock:
    """Start a clock on `item` at `at` under `rule`."""
    calendar = _calendar_for(rule.measure, calendar)
    amount = _amount_until(at, rule.until, calendar) if rule.until is not None else rule.amount
    due, provisional = compute_due(start=at, measure=rule.measure, amount=amount, calendar=calendar)
    data = {"measure": rule.measure, "amount": amount, "fixed": rule.fixed}
    if rule.until is not None:
        data["until"] = rule.until.isoformat()
        provisional = provisional or _in_provisional_year(rule.until, calendar)
        if rule.earliest is not None:
            data["earliest"] = rule.earliest.isoformat()
            due = _not_before(due, data["earliest"])
    clock = Clock.objects.create(
        item_id=item if isinstance(item, int) else item.pk, kind=kind, measure=rule.measure, amount=amount,
        warn=rule.warn, started_at=at, due_at=due, provisional=provisional,
        warn_at=warn_at(due=due, measure=rule.measure, warn=rule.warn, calendar=calendar),
    )
    ClockEvent.objects.create(clock=clock, kind=Ledger.START, at=at, data=data)
    return clock


def stop(clock: Clock, *, at: dt.datetime) -> None:
    """The work the clock measured is done (met, or met late)."""
    if clock.running:
        if clock.paused_at is not None:
            resume(clock, at=at)
        clock.stopped_at = at
        clock.save(update_fields=["stopped_at"])
        ClockEvent.objects.create(clock=clock, kind=Ledger.STOP, at=at)


def cancel(clock: Clock, *, at: dt.datetime) -> None:
    """The deadline no longer applies (withdrawn, replaced): it counts neither as met nor as late."""
    if clock.running:
        clock.cancelled = True
        clock.save(update_fields=["cancelled"])
        ClockEvent.objects.create(clock=clock, kind=Ledger.CANCEL, at=at)


def pause(clock: Clock, *, at: dt.datetime) -> None:
    """Stop counting (中止, 补正 under a pausing rule); `resume` moves the deadline by the time paused."""
    if clock.running and clock.paused_at is None:
        clock.paused_at = at
        clock.save(update_fields=["paused_at"])
        ClockEvent.objects.create(clock=clock, kind=Ledger.PAUSE, at=at)


def resume(clock: Clock, *, at: dt.datetime) -> None:
    if clock.paused_at is None:
        return
    ClockEvent.objects.create(clock=clock, kind=Ledger.RESUME, at=at)
    clock.paused_at = None
    replay(clock)


def restart(clock: Clock, *, at: dt.datetime, origin: dt.datetime | None = None) -> None:
    """Count again from the beginning (some approvals after 补正): the full amount from `origin`
    (default: now), pauses and extensions before it forgotten. A paused clock runs again."""
    if not clock.running:
        return
    data = {} if origin is None else {"from": origin.isoformat()}
    ClockEvent.objects.create(clock=clock, kind=Ledger.RESTART, at=at, data=data)
    clock.paused_at = None
    replay(clock)


def extend(clock: Clock, *, days: int, at: dt.datetime) -> None:
    """Move the deadline by `days` working days (a day of 24 hours on an hour clock)."""
    ClockEvent.objects.create(clock=clock, kind=Ledger.EXTEND, at=at, data={"days": days})
    replay(clock)


def paused_working_days(start_at: dt.datetime, end_at: dt.datetime, calendar=None) -> int:
    """Working days a pause took out of a working-day clock: those after the pause day up to the resume day."""
    first, last = local_date(start_at), local_date(end_at)
    if last <= first:
        return 0
    return workcal.working_days_between(first, last, calendar=calendar)


def replay(clock: Clock, *, rule: Rule | None = None, events: list | None = None, calendar=None) -> Clock:
    """Recompute the due time from the ledger (and, if given, a new rule) and save it.

    The count starts at the last restart (or the start): pauses and extensions before a restart
    no longer count. A date chosen by hand stays that date (or the last working day before it)
    when the calendar under it changes, e.g. when the provisional year's official dates are loaded.
    """
    events = list(clock.events.all()) if events is None else events
    calendar = _calendar_for(rule.measure if rule is not None else clock.measure, calendar)
    if rule is not None:
        clock.measure, clock.amount, clock.warn = rule.measure, rule.amount, rule.warn
        ClockEvent.objects.create(clock=clock, kind=Ledger.RECOMPUTE, data={"measure": rule.measure,
                                                                            "amount": rule.amount})
    origin, counted = clock.started_at, events
    for position, event in enumerate(events):
        if event.kind == Ledger.RESTART:
            origin = dt.datetime.fromisoformat(event.data["from"]) if event.data.get("from") else event.at
            counted = events[position + 1:]
    first = next((e for e in events if e.kind == Ledger.START), None)
    until = first.data.get("until") if first is not None else None
    if until is not None and clock.measure == DAYS:
        clock.amount = _amount_until(origin, dt.date.fromisoformat(until), calendar)
    extra_days = sum(int(e.data.get("days", 0)) for e in counted if e.kind == Ledger.EXTEND)
    paused_days, paused_hours, paused_since = 0, 0.0, None
    for event in counted:
        if event.kind == Ledger.PAUSE:
            paused_since = event.at
        elif event.kind == Ledger.RESUME and paused_since is not None:
            paused_days += paused_working_days(paused_since, event.at, calendar)
            paused_hours += (event.at - paused_since).total_seconds() / 3600
            paused_since = None
    if clock.measure == HOURS:
        due, provisional = compute_due(start=origin, measure=HOURS, amount=clock.amount,
                                       extra_hours=paused_hours + extra_days * 24)
    else:
        due, provisional = compute_due(start=origin, measure=DAYS, amount=clock.amount + extra_days + paused_days,
                                       calendar=calendar)
    if until is not None:
        due = _not_before(due, first.data.get("earliest"))
        provisional = provisional or _in_provisional_year(dt.date.fromisoformat(until), calendar)
    clock.due_at, clock.provisional = due, provisional
    clock.warn_at = warn_at(due=due, measure=clock.measure, warn=clock.warn, calendar=calendar)
    clock.save(update_fields=["due_at", "warn_at", "provisional", "paused_at", "measure", "amount", "warn"])
    return clock


def running(item) -> list[Clock]:
    """The item's clocks still counting (paused ones included)."""
    item_id = item if isinstance(item, int) else item.pk
    return list(Clock.objects.filter(item=item_id, stopped_at__isnull=True, cancelled=False))
