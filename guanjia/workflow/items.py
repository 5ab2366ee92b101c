"""Tracked items: made with their domain object, and kept in step with it.

`insert(obj)` saves a new domain object together with its tracked item. `sync(obj)` writes
what the item says of the object after a change (the workflow's `describe`: status, open or
finished, title, who answers for it, whom it waits for) and its soonest running deadline,
read from its clocks. The transition helper calls `sync`; what moves clocks outside a transition
(a rule changed, a year's holidays loaded, a meeting moved) calls `refresh_deadlines`. Each duty carries its item's
zone, kind and deadline (so that 我的待办 is read from the duties alone): they are written here
and nowhere else.
"""

from __future__ import annotations

from django.utils import timezone

from guanjia.workflow import registry
from guanjia.workflow.models import Clock, Duty, TrackedItem
from guanjia.workflow.registry import Description


def _workflow_of(obj) -> registry.Workflow:
    return registry.get(obj.WORKFLOW)


def _fields(description: Description) -> dict:
    return {
        "status": description.status, "is_open": description.is_open, "title": description.title[:200],
        "number": description.number, "enterprise_id": description.enterprise_id,
        "project_id": description.project_id, "person_id": description.person_id, "unit_id": description.unit_id,
        "parent_id": description.parent_id,
    }


def insert(obj, *, at=None, start_clocks=None) -> TrackedItem:
    """Save a new domain object (`obj.WORKFLOW` names its workflow) with its tracked item and duties.

    `start_clocks(item)` starts its first clocks and returns them: the item's deadline is then written
    with its object's id, and its duties with the deadline, once each.
    """
    workflow = _workflow_of(obj)
    description = workflow.describe(obj)
    at = at or timezone.now()
    item = TrackedItem.objects.create(kind=workflow.kind, zone_id=description.zone_id, created_at=at, updated_at=at,
                                      **_fields(description))
    obj.item = item
    obj.save(force_insert=True)
    item.object_id = obj.pk
    running = start_clocks(item) if start_clocks is not None else []
    summary = _summary([(c.due_at, c.warn_at, c.provisional, c.paused_at) for c in running])
    TrackedItem.objects.filter(pk=item.pk).update(object_id=obj.pk, **summary)
    if description.is_open:
        _write_duties(item.pk, workflow.kind, description, due_at=summary["due_at"], existing={})
    return item


def sync(obj, *, at=None) -> None:
    """Write what `obj`'s item says of it now, its soonest running deadline, and whom it waits for."""
    workflow = _workflow_of(obj)
    description = workflow.describe(obj)
    values = {**_fields(description), **deadline_summary(obj.item_id), "updated_at": at or timezone.now()}
    TrackedItem.objects.filter(pk=obj.item_id).update(**values)
    existing = dict(Duty.objects.filter(item=obj.item_id).values_list("party", "actionable"))
    kept = _write_duties(obj.item_id, workflow.kind, description, due_at=values["due_at"], existing=existing,
                         wanted=None if description.is_open else ())
    if kept:
        Duty.objects.filter(item=obj.item_id).update(due_at=values["due_at"])


def refresh_deadlines(item_ids) -> None:
    """Rewrite the soonest running deadline of some items (their clocks moved outside a transition)."""
    for item_id in set(item_ids):
        _write_summary(item_id, deadline_summary(item_id))


def _write_summary(item_id: int, summary: dict) -> None:
    TrackedItem.objects.filter(pk=item_id).update(**summary)
    Duty.objects.filter(item=item_id).update(due_at=summary["due_at"])


def deadline_summary(item_id: int) -> dict:
    """The item's soonest running deadline, when it turns due soon, and whether every clock is paused."""
    return _summary(Clock.objects.filter(item=item_id, stopped_at__isnull=True, cancelled=False)
                    .values_list("due_at", "warn_at", "provisional", "paused_at"))


def _summary(rows) -> dict:
    rows = list(rows)
    counting = [row for row in rows if row[3] is None]
    if not counting:
        return {"due_at": None, "warn_at": None, "due_provisional": False, "paused": bool(rows)}
    due_at, warn, provisional, _paused = min(counting, key=lambda row: row[0])
    return {"due_at": due_at, "warn_at": warn, "due_provisional": provisional, "paused": False}


def merged_duties(duties) -> dict[str, bool]:
    """One duty per party from a workflow's (party, actionable) pairs: actionable if any of its pairs is."""
    merged: dict[str, bool] = {}
    for party, actionable in duties:
        merged[party] = merged.get(party, False) or actionable
    return merged


def _write_duties(item_id: int, kind: str, description: Description, *, due_at, existing: dict[str, bool],
                  wanted=None) -> int:
    """Make the item's duties those of `description` (or `wanted`); returns how many were kept as they were."""
    duties = merged_duties(description.duties if wanted is None else wanted)
    gone = [party for party in existing if party not in duties]
    if gone:
        Duty.objects.filter(item=item_id, party__in=gone).delete()
    new = [Duty(item_id=item_id, party=party, actionable=actionable, zone_id=description.zone_id, kind=kind,
                due_at=due_at)
           for party, actionable in duties.items() if party not in existing]
    if new:
        Duty.objects.bulk_create(new)
    kept = 0
    for party, actionable in duties.items():
        if party in existing:
            kept += 1
            if existing[party] != actionable:
                Duty.objects.filter(item=item_id, party=party).update(actionable=actionable)
    return kept

