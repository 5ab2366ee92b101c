"""The lights of a promotion table (红黄绿灯), in one place.

A work item: done grey, overdue red, due soon yellow (from the kernel's warn: WORK_ITEM_WARN_DAYS working days
before its due day), else green. A stage: reached grey; its planned month passed without its actual date
yellow, STAGE_RED_MONTHS months after the planned month red; no plan, none. A project shows its worst light.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from guanjia.promotion.choices import STAGE_RED_MONTHS, Colour, WorkItemStatus

# Worst first: a project's colour is the first of these among its stages and open work items.
SEVERITY = [Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.DONE, Colour.NONE]


def work_item_colour(*, status: str, due_at: dt.datetime | None, warn_at: dt.datetime | None,
                     now: dt.datetime) -> str:
    if status in (WorkItemStatus.DONE, WorkItemStatus.CANCELLED):
        return Colour.DONE
    if due_at is None:
        return Colour.NONE
    if now > due_at:
        return Colour.RED
    if warn_at is not None and now >= warn_at:
        return Colour.YELLOW
    return Colour.GREEN


def months_late(planned: dt.date, today: dt.date) -> int:
    """Whole calendar months since the planned month: 0 in the planned month, 1 from the first of the next."""
    return (today.year - planned.year) * 12 + today.month - planned.month


def stage_colour(*, planned: dt.date | None, actual: dt.date | None, today: dt.date) -> str:
    if actual is not None:
        return Colour.DONE
    if planned is None:
        return Colour.NONE
    late = months_late(planned, today)
    if late >= STAGE_RED_MONTHS:
        return Colour.RED
    if late >= 1:
        return Colour.YELLOW
    return Colour.GREEN


def worst(colours: Iterable[str]) -> str:
    seen = set(colours)
    for colour in SEVERITY:
        if colour in seen:
            return colour
    return Colour.NONE
