"""Reads of the kernel: one 我的待办 across workflows, its counts per kind, and an item's timeline.

我的待办 is the open items of the person's zone that have a duty for one of the parties they
answer to (`parties.of_person`), soonest deadline first; a supervisor's adds every open item
of the zone past its deadline (督办). Items through duties on which the person can do nothing
now (`actionable` false) are listed apart.
"""

from __future__ import annotations

from django.db.models import Count, F

from guanjia.workflow import parties
from guanjia.workflow.models import Duty, TrackedItem

# What a worklist row shows of an item (values: model instances of four tables cost more than the SQL).
ROW_FIELDS = ("pk", "kind", "object_id", "parent__object_id", "number", "title", "status", "is_open", "due_at",
              "warn_at", "paused", "due_provisional", "enterprise__name", "person__name", "person__username",
              "unit__name")
ORDER = (F("due_at").asc(nulls_last=True), "pk")


def _now():
    from django.utils import timezone

    return timezone.now()


def waiting(user, *, apart: bool = False, now=None):
    """The open items waiting for `user` (or, with `apart`, those they wait on others for), unordered.

    One query when read; the zone bounds it, so that a person moved to another zone finds none
    of the old zone's items, whatever duty still names them.
    """
    keys = parties.of_person(user)
    supervising = parties.supervises(user) and not apart
    if not keys and not supervising:
        return TrackedItem.objects.none()
    items = TrackedItem.objects.filter(zone=user.zone_id, is_open=True)
    acting = Duty.objects.filter(party__in=keys, actionable=True).values("item") if keys else None
    if apart:
        return items.filter(pk__in=Duty.objects.filter(party__in=keys, actionable=False).values("item")).exclude(
            pk__in=acting)
    if not supervising:
        return items.filter(pk__in=acting)
    overdue = TrackedItem.objects.filter(zone=user.zone_id, is_open=True, due_at__lt=now or _now())
    if acting is None:
        return overdue
    # Each branch from its own index, united: a person who is both supervisor and admin, say.
    return items.filter(pk__in=acting.union(overdue.values("pk"), all=True))


def worklist(user, *, kind: str | None = None, apart: bool = False):
    """我的待办: the rows (ROW_FIELDS) of the items waiting for `user`, soonest deadline first."""
    items = waiting(user, apart=apart)
    if kind:
        items = items.filter(kind=kind)
    return items.order_by(*ORDER).values(*ROW_FIELDS)


def worklist_counts(user, *, apart: bool = False) -> dict[str, int]:
    """How many items wait for `user`, per kind (one GROUP BY)."""
    rows = waiting(user, apart=apart).order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    return dict(rows)
