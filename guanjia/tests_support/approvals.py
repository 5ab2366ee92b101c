"""Test data for 代办: catalogue items, and handbooks made directly (the product makes them through
approvals.services, from the catalogue; tests of other parts need one without going through that)."""

from __future__ import annotations

import datetime as dt

from guanjia.approvals.models import Approval, ApprovalItem, Handbook
from guanjia.workflow import items

_counter = iter(range(1, 1_000_000))


def catalogue_item(zone, unit, *, name: str | None = None, committed: int = 5, statutory: int = 20,
                   prerequisites=(), **fields) -> ApprovalItem:
    item = ApprovalItem.objects.create(
        zone=zone, unit=unit, name=name or f"测试审批事项{next(_counter)}", stage=fields.pop("stage", "planning"),
        committed_days=committed, statutory_days=statutory, **fields)
    if prerequisites:
        item.prerequisites.set(prerequisites)
    return item


def handbook(project, catalogue: list[ApprovalItem], *, start: dt.date, agent=None) -> Handbook:
    """A handbook of `project` holding `catalogue`'s items in order, prerequisites copied, not yet planned."""
    book = Handbook(zone_id=project.zone_id, project=project, agent=agent, start_on=start)
    items.insert(book)
    made: dict[int, Approval] = {}
    for order, entry in enumerate(catalogue):
        approval = Approval(
            zone_id=project.zone_id, handbook=book, project=project, catalogue_item=entry, name=entry.name,
            unit_id=entry.unit_id, stage=entry.stage, statutory_days=entry.statutory_days,
            committed_days=entry.committed_days, on_correction=entry.on_correction,
            tolerance_allowed=entry.tolerance_allowed, tolerance_days=entry.tolerance_days, agent=agent,
            order=order)
        items.insert(approval)
        made[entry.pk] = approval
    for entry in catalogue:
        wanted = [made[p.pk] for p in entry.prerequisites.all() if p.pk in made]
        if wanted:
            made[entry.pk].prerequisites.set(wanted)
    return book
