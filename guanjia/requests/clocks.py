"""Request clocks on the official working-day calendar: rules, start, pause, resume, extend, stop, replay.

A clock's due time is always recomputed from its ledger (ClockEvent): start time,
the rule (working days or hours), extensions and pauses. Replaying the ledger is
how a changed rule or a newly loaded holiday year (provisional → official) moves
open deadlines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from guanjia.core import calendar as workcal
from guanjia.requests.choices import ClockKind, Source, Urgency
from guanjia.requests.models import Clock, ClockEvent, ClockRule

DAYS, HOURS = "days", "hours"


@dataclass(frozen=True)
class Rule:
    measure: str
    amount: int
    warn_hours: int = 24
    fixed: bool = False  # a deadline set by hand: later rule changes leave it alone
    until: dt.date | None = None  # set by hand as a date: `amount` is the working days up to it, recounted on replay


# When a zone has configured nothing: 签收 1 working day (吹哨 24 h, DOMAIN.md), first answer
# 3 working days, resolution and unit handling by urgency.
DEFAULT_RULES: dict[tuple[str, str, str], Rule] = {
    (ClockKind.SIGN, "", ""): Rule(DAYS, 1, 4),
    (ClockKind.SIGN, Source.PORTAL, ""): Rule(HOURS, 24, 4),
    (ClockKind.FIRST_REPLY, "", ""): Rule(DAYS, 3),
    (ClockKind.RESOLUTION, "", Urgency.NORMAL): Rule(DAYS, 15, 48),
    (ClockKind.RESOLUTION, "", Urgency.URGENT): Rule(DAYS, 7),
    (ClockKind.RESOLUTION, "", Urgency.CRITICAL): Rule(DAYS, 3),
    (ClockKind.UNIT, "", Urgency.NORMAL): Rule(DAYS, 10, 48),
    (ClockKind.UNIT, "", Urgency.URGENT): Rule(DAYS, 5),
    (ClockKind.UNIT, "", Urgency.CRITICAL): Rule(DAYS, 2),
}


def rule_for(*, zone_id: int, kind: str, source: str, category: str, urgency: str) -> Rule:
    """The zone's most specific rule for this clock, else the default."""
    # A zone has a few rules per kind: matching them here keeps the query the ORM builds on each
    # raise small (three IN lookups cost more to compile than the rows they would filter out).
    candidates = [r for r in ClockRule.objects.filter(zone=zone_id, kind=kind)
                  if r.source in ("", source) and r.category in ("", category) and r.urgency in ("", urgency)]
    best = max(candidates, key=lambda r: (bool(r.category), bool(r.source), bool(r.urgency)), default=None)
    if best is not None:
        return Rule(best.measure, best.amount, best.warn_hours)
    return (DEFAULT_RULES.get((kind, source, urgency)) or DEFAULT_RULES.get((kind, source, ""))
            or DEFAULT_RULES.get((kind, "", urgency)) or DEFAULT_RULES[(kind, "", "")])


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def compute_due(*, start: dt.datetime, measure: str, amount: int, extra_hours: float = 0) -> tuple[dt.datetime, bool]:
    """The due time of `amount` working days (close of the N-th working day, 次日起算) or wall-clock hours."""
    if measure == HOURS:
        return start + dt.timedelta(hours=amount + extra_hours), False
    try:
        result = workcal.deadline_at(_local_date(start), amount)
    except workcal.CalendarUnavailable as error:
        raise ValidationError({"due_at": error.message}) from error
    return result.due, result.provisional


def start(*, request, kind: str, at: dt.datetime, rule: Rule, unit_task=None) -> Clock:
    due, provisional = compute_due(start=at, measure=rule.measure, amount=rule.amount)
    clock = Clock.objects.create(
        request=request, kind=kind, unit_task=unit_task, measure=rule.measure, amount=rule.amount,
        started_at=at, due_at=due, provisional=provisional, warn_hours=rule.warn_hours,
    )
    data = {"measure": rule.measure, "amount": rule.amount, "fixed": rule.fixed}
    if rule.until is not None:
        data["until"] = rule.until.isoformat()
    ClockEvent.objects.create(clock=clock, kind="start", at=at, data=data)
    return clock


def stop(clock: Clock, *, at: dt.datetime) -> None:
    if clock.stopped_at is None and not clock.cancelled:
        if clock.paused_at is not None:
            resume(clock, at=at)
        clock.stopped_at = at
        clock.save(update_fields=["stopped_at"])
        ClockEvent.objects.create(clock=clock, kind="stop", at=at)


def cancel(clock: Clock, *, at: dt.datetime) -> None:
    if clock.stopped_at is None and not clock.cancelled:
        clock.cancelled = True
        clock.save(update_fields=["cancelled"])
        ClockEvent.objects.create(clock=clock, kind="cancel", at=at)


def pause(clock: Clock, *, at: dt.datetime) -> None:
    if clock.stopped_at is None and clock.paused_at is None and not clock.cancelled:
        clock.paused_at = at
        clock.save(update_fields=["paused_at"])
        ClockEvent.objects.create(clock=clock, kind="pause", at=at)


def resume(clock: Clock, *, at: dt.datetime) -> None:
    if clock.paused_at is None:
        return
    ClockEvent.objects.create(clock=clock, kind="resume", at=at)
    clock.paused_at = None
    replay(clock)


def extend(clock: Clock, *, days: int, at: dt.datetime) -> None:
    ClockEvent.objects.create(clock=clock, kind="extend", at=at, data={"days": days})
    replay(clock)


def paused_working_days(start_at: dt.datetime, end_at: dt.datetime) -> int:
    """Working days a suspension took out of a working-day clock: those after the pause day up to the resume day."""
    first, last = _local_date(start_at), _local_date(end_at)
    if last <= first:
        return 0
    return workcal.working_days_between(first, last)


def replay(clock: Clock, *, rule: Rule | None = None) -> Clock:
    """Recompute the due time from the ledger (and, if given, a new rule) and save it."""
    events = list(clock.events.all())
    if rule is not None:
        clock.measure, clock.amount, clock.warn_hours = rule.measure, rule.amount, rule.warn_hours
        ClockEvent.objects.create(clock=clock, kind="recompute",
                                  data={"measure": rule.measure, "amount": rule.amount})
    until = next((e.data.get("until") for e in events if e.kind == "start"), None)
    if until is not None and clock.measure == DAYS:
        # A date chosen by hand stays that date (or the last working day before it) when the calendar
        # under it changes, e.g. when the provisional year's official dates are loaded.
        try:
            clock.amount = workcal.working_days_between(_local_date(clock.started_at), dt.date.fromisoformat(until))
        except workcal.CalendarUnavailable as error:
            raise ValidationError({"due_at": error.message}) from error
    extra_days = sum(int(e.data.get("days", 0)) for e in events if e.kind == "extend")
    paused_days, paused_hours, paused_since = 0, 0.0, None
    for event in events:
        if event.kind == "pause":
            paused_since = event.at
        elif event.kind == "resume" and paused_since is not None:
            paused_days += paused_working_days(paused_since, event.at)
            paused_hours += (event.at - paused_since).total_seconds() / 3600
            paused_since = None
    if clock.measure == HOURS:
        due, provisional = compute_due(start=clock.started_at, measure=HOURS, amount=clock.amount,
                                       extra_hours=paused_hours + extra_days * 24)
    else:
        due, provisional = compute_due(start=clock.started_at, measure=DAYS,
                                       amount=clock.amount + extra_days + paused_days)
    clock.due_at, clock.provisional = due, provisional
    clock.save(update_fields=["due_at", "provisional", "paused_at", "measure", "amount", "warn_hours"])
    return clock
