"""Reads of the kernel: one 我的待办 across workflows, its counts per kind, and an item's timeline.

我的待办 is the open items of the person's zone that have a duty for one of the parties they
answer to (`parties.of_person`), soonest deadline first; a supervisor's adds every open item
of the zone past its deadline (督办). Items through duties on which the person can do nothing
now (`actionable` false) are listed apart.

The list is read from the duties, which carry their item's zone, kind and deadline: the page's
ids are sorted there (one index), and only the rows shown are then read with their item's columns.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.functional import cached_property

from guanjia.workflow import parties
from guanjia.workflow.models import Duty, TrackedItem

# What a worklist row shows of an item (values: model instances of four tables cost more than the SQL).
ROW_FIELDS = ("pk", "kind", "object_id", "parent__object_id", "number", "title", "status", "is_open", "due_at",
              "warn_at", "paused", "due_provisional", "enterprise__name", "person__name", "person__username",
              "unit__name")
SOONEST = (F("due_at").asc(nulls_last=True), "item_id")


def _now():
    from django.utils import timezone

    return timezone.now()


class Worklist:
    """我的待办 of one person (or, with `apart`, what they can only wait on), as a sequence of rows.

    Sliced, it reads the page's item ids sorted on the duties, then those items' rows (ROW_FIELDS),
    in the same order: two queries whatever the number of items. `counts()` is the number per kind
    (one GROUP BY), and the length is their sum. The zone bounds it: a person moved to another zone
    finds none of the old zone's items, whatever duty still names them.
    """

    def __init__(self, user, *, kind: str | None = None, apart: bool = False, now=None):
        self.zone_id, self.kind, self.apart = user.zone_id, kind, apart
        self.keys = parties.of_person(user)
        self.supervising = parties.supervises(user) and not apart
        self.now = now or _now()

    @property
    def empty(self) -> bool:
        return not self.keys and not self.supervising

    def _duties(self, *, actionable: bool):
        duties = Duty.objects.filter(party__in=self.keys, actionable=actionable, zone=self.zone_id)
        return duties.filter(kind=self.kind) if self.kind else duties

    def _listed_duties(self):
        if not self.apart:
            return self._duties(actionable=True)
        acting = Duty.objects.filter(party__in=self.keys, actionable=True, zone=self.zone_id).values("item")
        return self._duties(actionable=False).exclude(item__in=acting)

    def _overdue(self):
        items = TrackedItem.objects.filter(zone=self.zone_id, is_open=True, due_at__lt=self.now)
        return items.filter(kind=self.kind) if self.kind else items

    def ids(self):
        """(item id, deadline) of every item listed, soonest deadline first."""
        duties = self._listed_duties().values_list("item_id", "due_at").distinct() if self.keys else None
        overdue = self._overdue().values_list("pk", "due_at") if self.supervising else None
        if duties is None and overdue is None:
            return Duty.objects.none().values_list("item_id", "due_at")
        if overdue is None:
            return duties.order_by(*SOONEST)
        if duties is None:
            return overdue.order_by(F("due_at").asc(nulls_last=True), "pk")
        # Each branch from its own index, united: a supervisor who is also an admin, say.
        return duties.union(overdue).order_by(*SOONEST)

    def counts(self) -> dict[str, int]:
        return self._counts

    @cached_property
    def _counts(self) -> dict[str, int]:
        if self.empty:
            return {}
        if self.keys and not self.supervising:
            rows = self._listed_duties().values("kind").annotate(n=Count("item", distinct=True)).order_by()
        elif not self.keys:
            rows = self._overdue().values("kind").annotate(n=Count("pk")).order_by()
        else:
            duty_items = self._listed_duties().values("item")
            rows = (TrackedItem.objects.filter(zone=self.zone_id, is_open=True)
                    .filter(Q(pk__in=duty_items) | Q(due_at__lt=self.now, **({"kind": self.kind} if self.kind else {})))
                    .values("kind").annotate(n=Count("pk")).order_by())
        return {row["kind"]: row["n"] for row in rows}

    def count(self) -> int:
        return sum(self.counts().values())

    def __len__(self) -> int:
        return self.count()

    def rows(self, ids: list[int]) -> list[dict]:
        """The rows of some items, in the order of `ids`."""
        if not ids:
            return []
        found = {row["pk"]: row for row in TrackedItem.objects.filter(pk__in=ids).values(*ROW_FIELDS)}
        return [found[pk] for pk in ids if pk in found]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.rows([pk for pk, _due in self.ids()[index]] if not self.empty else [])
        return self[index:index + 1][0]

    def __iter__(self):
        return iter(self[:] if not self.empty else [])


def worklist(user, *, kind: str | None = None, apart: bool = False) -> Worklist:
    """我的待办: the rows (ROW_FIELDS) of the items waiting for `user`, soonest deadline first."""
    return Worklist(user, kind=kind, apart=apart)


def worklist_counts(user, *, apart: bool = False) -> dict[str, int]:
    """How many items wait for `user`, per kind."""
    return Worklist(user, apart=apart).counts()
