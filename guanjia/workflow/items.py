"""Tracked items: made with their domain object, and kept in step with it.

`insert(obj)` saves a new domain object together with its tracked item. `sync(obj)` writes
what the item says of the object after a change (the workflow's `describe`: status, open or
finished, title, who answers for it, whom it waits for) and its soonest running deadline,
read from its clocks. The transition helper calls `sync`; so does anything that moves clocks
outside a transition (a rule changed, a year's holidays loaded).
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


def insert(obj, *, zone_id: int, at=None) -> TrackedItem:
    """Save a new domain object (`obj.WORKFLOW` names its workflow) with its tracked item and duties."""
    workflow = _workflow_of(obj)
    description = workflow.describe(obj)
    at = at or timezone.now()
    item = TrackedItem.objects.create(kind=workflow.kind, zone_id=zone_id, created_at=at, updated_at=at,
                                      **_fields(description))
    obj.item = item
    obj.save(force_insert=True)
    TrackedItem.objects.filter(pk=item.pk).update(object_id=obj.pk)
    item.object_id = obj.pk
    _write_duties(item.pk, description.duties, existing={})
    return item


def sync(obj, *, deadlines: bool = True, at=None) -> None:
    """Write what `obj`'s item says of it now (and, with `deadlines`, its soonest running deadline)."""
    description = _workflow_of(obj).describe(obj)
    values = _fields(description)
    if deadlines:
        values.update(deadline_summary(obj.item_id))
    values["updated_at"] = at or timezone.now()
    TrackedItem.objects.filter(pk=obj.item_id).update(**values)
    existing = dict(Duty.objects.filter(item=obj.item_id).values_list("party", "actionable"))
    _write_duties(obj.item_id, description.duties if description.is_open else (), existing=existing)


def refresh_deadlines(item_ids) -> None:
    """Rewrite the soonest running deadline of some items (their clocks moved outside a transition)."""
    for item_id in set(item_ids):
        TrackedItem.objects.filter(pk=item_id).update(**deadline_summary(item_id))


def deadline_summary(item_id: int) -> dict:
    """The item's soonest running deadline, when it turns due soon, and whether every clock is paused."""
    return _summary(Clock.objects.filter(item=item_id, stopped_at__isnull=True, cancelled=False)
                    .values_list("due_at", "warn_at", "provisional", "paused_at"))


def set_deadlines(item_id: int, running) -> None:
    """Write the deadline summary of an item whose running clocks are `running` (the clocks just started on a
    new item: no need to read them back)."""
    TrackedItem.objects.filter(pk=item_id).update(**_summary(
        [(c.due_at, c.warn_at, c.provisional, c.paused_at) for c in running]))


def _summary(rows) -> dict:
    rows = list(rows)
    counting = [row for row in rows if row[3] is None]
    if not counting:
        return {"due_at": None, "warn_at": None, "due_provisional": False, "paused": bool(rows)}
    due_at, warn, provisional, _paused = min(counting, key=lambda row: row[0])
    return {"due_at": due_at, "warn_at": warn, "due_provisional": provisional, "paused": False}


def _write_duties(item_id: int, duties, *, existing: dict[str, bool]) -> None:
    wanted: dict[str, bool] = {}
    for party, actionable in duties:
        wanted[party] = wanted.get(party, False) or actionable
    gone = [party for party in existing if party not in wanted]
    if gone:
        Duty.objects.filter(item=item_id, party__in=gone).delete()
    new = [Duty(item_id=item_id, party=party, actionable=actionable) for party, actionable in wanted.items()
           if party not in existing]
    if new:
        Duty.objects.bulk_create(new)
    for party, actionable in wanted.items():
        if party in existing and existing[party] != actionable:
            Duty.objects.filter(item=item_id, party=party).update(actionable=actionable)
