"""Writes of the kernel that belong to no single workflow: replaying deadlines when the calendar changes."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from guanjia.core import calendar as workcal
from guanjia.workflow import clocks, items, registry
from guanjia.workflow.models import Clock


def replayed(queryset, *, rule_for=None) -> int:
    """Replay the ledger of each clock of `queryset` (under `rule_for(clock)` where given), refresh the
    items' deadlines and tell each workflow which of its items moved; returns how many due times changed.

    The caller holds the transaction; the clocks are locked as they are read.
    """
    calendar = workcal.WorkingCalendar.load()
    moved, touched = 0, defaultdict(set)
    for clock in queryset.select_for_update(of=("self",)).select_related("item").prefetch_related("events"):
        before = clock.due_at
        clocks.replay(clock, rule=rule_for(clock) if rule_for else None, events=list(clock.events.all()),
                      calendar=calendar)
        moved += clock.due_at != before
        touched[clock.item.kind].add(clock.item_id)
    for kind, item_ids in touched.items():
        items.refresh_deadlines(item_ids)
        workflow = registry.get(kind)
        if workflow.deadlines_moved is not None:
            workflow.deadlines_moved(sorted(item_ids))
    return moved


@transaction.atomic
def clocks_recompute_provisional() -> int:
    """Replay every open clock that was computed on a provisional calendar; returns how many moved."""
    return replayed(Clock.objects.filter(provisional=True, stopped_at__isnull=True, cancelled=False))
