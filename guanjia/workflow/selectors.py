"""Reads of the kernel: one 我的待办 across workflows, its counts per kind, and an item's timeline.

我的待办 is the open items of the person's zone that have a duty for one of the parties they
answer to (`parties.of_person`), soonest deadline first; a supervisor's adds every open item
of the zone past its deadline (督办). Items through duties on which the person can do nothing
now (`actionable` false) are listed apart.

The list is read from the duties, which carry their item's zone, kind and deadline: the page's
ids are sorted there (one index), and only the rows shown are then read with their item's columns.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db import connections
from django.db.models import Count, F, Q
from django.utils.functional import cached_property

from guanjia.workflow import parties
from guanjia.workflow.choices import ClockState
from guanjia.workflow.models import Duty, TrackedItem, item_state_q

# The states 我的待办 can be narrowed to (`?state=`), as its rows' badges show them.
STATES = (ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TRACK, ClockState.PAUSED)

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

    Sliced, it reads the page's rows (ROW_FIELDS) in one statement: the item ids sorted on the duties,
    joined to those items (a supervisor's, through the ORM: the ids, then the rows, two queries),
    whatever the number of items. `counts()` is the number per kind (one GROUP BY), and the length
    is their sum. The zone bounds it: a person moved to another zone
    finds none of the old zone's items, whatever duty still names them.
    """

    def __init__(self, user, *, kind: str | None = None, apart: bool = False, state: str | None = None, now=None):
        self.zone_id, self.kind, self.apart, self.state = user.zone_id, kind, apart, state
        self.keys = parties.of_person(user)
        self.supervising = parties.supervises(user) and not apart
        self.now = now or _now()

    @property
    def empty(self) -> bool:
        return not self.keys and not self.supervising

    @property
    def by_statement(self) -> bool:
        """Read by the statements written once below (`_page_sql`, `_counts_sql`): everyone but a supervisor.

        The ORM spent five times their SQL's own time building and compiling the page's queries on every
        request; the statements are written from the models' own names, and a test holds them to the
        querysets (`ids`, the counts), which stay the definition.
        """
        return bool(self.keys) and not self.supervising and not self.state

    def _params(self) -> list:
        params = [*self.keys, self.zone_id]
        if self.kind:
            params.append(self.kind)
        if self.apart:
            params += [*self.keys, self.zone_id]
        return params

    def _duties(self, *, actionable: bool):
        duties = Duty.objects.filter(party__in=self.keys, actionable=actionable, zone=self.zone_id)
        if self.state:  # narrowed by its rows' state (overdue, due soon …): through the ORM, joined to the items
            duties = duties.filter(item_state_q(self.state, now=self.now, prefix="item__"))
        return duties.filter(kind=self.kind) if self.kind else duties

    def _listed_duties(self):
        if not self.apart:
            return self._duties(actionable=True)
        acting = Duty.objects.filter(party__in=self.keys, actionable=True, zone=self.zone_id).values("item")
        return self._duties(actionable=False).exclude(item__in=acting)

    def _overdue(self):
        items = TrackedItem.objects.filter(zone=self.zone_id, is_open=True, due_at__lt=self.now)
        if self.state:
            items = items.filter(item_state_q(self.state, now=self.now))
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
        if self.by_statement:
            with connections[Duty.objects.db].cursor() as cursor:
                cursor.execute(_counts_sql(Duty.objects.db, len(self.keys), bool(self.kind), self.apart),
                               self._params())
                return dict(cursor.fetchall())
        if self.keys and not self.supervising:
            rows = self._listed_duties().values("kind").annotate(n=Count("item", distinct=True)).order_by()
        elif not self.keys:
            rows = self._overdue().values("kind").annotate(n=Count("pk")).order_by()
        elif not self.state:
            return self._united_counts()
        else:
            duty_items = self._listed_duties().values("item")
            rows = (TrackedItem.objects.filter(zone=self.zone_id, is_open=True)
                    .filter(Q(pk__in=duty_items) | Q(due_at__lt=self.now, **({"kind": self.kind} if self.kind else {}))))
            rows = rows.filter(item_state_q(self.state, now=self.now)).values("kind").annotate(n=Count("pk")).order_by()
        return {row["kind"]: row["n"] for row in rows}

    def _united_counts(self) -> dict[str, int]:
        """A supervisor's counts per kind: their duties' items and the zone's overdue items, each read from its own
        index as `ids` reads them, united, then counted. As one OR over the items, SQLite walked every item of the
        database (200 ms at 200 000 requests)."""
        united = (self._listed_duties().values_list("item_id", "kind")
                  .union(self._overdue().values_list("pk", "kind")).order_by())
        sql, params = united.query.sql_with_params()
        with connections[united.db].cursor() as cursor:
            cursor.execute(f"SELECT u.kind, COUNT(*) FROM ({sql}) u GROUP BY u.kind", params)
            return dict(cursor.fetchall())

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
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        if self.empty:
            return []
        if self.by_statement:
            return self._page(index)
        return self.rows([pk for pk, _due in self.ids()[index]])

    def _page(self, index: slice) -> list[dict]:
        start = index.start or 0
        stop = index.stop if index.stop is not None else start + 10**9
        alias = Duty.objects.db
        with connections[alias].cursor() as cursor:
            cursor.execute(_page_sql(alias, len(self.keys), bool(self.kind), self.apart),
                           [*self._params(), max(stop - start, 0), start])
            return [_row(values) for values in cursor.fetchall()]

    def __iter__(self):
        return iter(self[:] if not self.empty else [])


def worklist(user, *, kind: str | None = None, apart: bool = False, state: str | None = None) -> Worklist:
    """我的待办: the rows (ROW_FIELDS) of the items waiting for `user`, soonest deadline first; `state` keeps those
    in one state (`STATES`: overdue, due soon …), as `workflow.models.item_state` reads them."""
    return Worklist(user, kind=kind, apart=apart, state=state)


def worklist_states(user) -> dict[str, int]:
    """How many items wait for `user` (`total`), and how many of them are overdue and due soon: 我的待办's
    items (not those apart) in its rows' states. One query."""
    listed = Worklist(user)
    if not listed.keys:
        return {"total": 0, ClockState.OVERDUE: 0, ClockState.DUE_SOON: 0}
    items = TrackedItem.objects.filter(pk__in=listed._listed_duties().values("item"))
    return items.aggregate(total=Count("pk"), **{
        state: Count("pk", filter=item_state_q(state, now=listed.now))
        for state in (ClockState.OVERDUE, ClockState.DUE_SOON)})


def worklist_counts(user, *, apart: bool = False) -> dict[str, int]:
    """How many items wait for `user`, per kind."""
    return Worklist(user, apart=apart).counts()


# -- the statements of a person's 我的待办 (see Worklist.by_statement) -------------------------------------------


def _listed_sql(quote, n_keys: int, kind: bool, apart: bool) -> tuple[str, str]:
    """(the duties' table, the WHERE clause) of the duties listed: `Worklist._listed_duties` in SQL."""
    duty = Duty._meta
    table, column = quote(duty.db_table), (lambda name: quote(duty.get_field(name).column))
    keys = ", ".join(["%s"] * n_keys)
    where = f"d.{column('party')} IN ({keys}) AND {'NOT ' if apart else ''}d.{column('actionable')} " \
            f"AND d.{column('zone')} = %s"
    if kind:
        where += f" AND d.{column('kind')} = %s"
    if apart:
        where += (f" AND d.{column('item')} NOT IN (SELECT a.{column('item')} FROM {table} a "
                  f"WHERE a.{column('party')} IN ({keys}) AND a.{column('actionable')} AND a.{column('zone')} = %s)")
    return table, where


@cache
def _counts_sql(alias: str, n_keys: int, kind: bool, apart: bool) -> str:
    quote = connections[alias].ops.quote_name
    table, where = _listed_sql(quote, n_keys, kind, apart)
    item, kind_column = quote(Duty._meta.get_field("item").column), quote(Duty._meta.get_field("kind").column)
    return f"SELECT d.{kind_column}, COUNT(DISTINCT d.{item}) FROM {table} d WHERE {where} GROUP BY d.{kind_column}"


@cache
def _page_sql(alias: str, n_keys: int, kind: bool, apart: bool) -> str:
    """One page of ROW_FIELDS: the ids sorted and cut on the duties, then those items joined to what they show."""
    quote = connections[alias].ops.quote_name
    table, where = _listed_sql(quote, n_keys, kind, apart)
    item_meta, duty_meta = TrackedItem._meta, Duty._meta
    items = quote(item_meta.db_table)

    def col(name: str, meta=item_meta) -> str:
        return quote(meta.get_field(name).column)

    related = {name: item_meta.get_field(name).related_model._meta for name in ("enterprise", "person", "unit")}
    item_id, due = col("item", duty_meta), col("due_at", duty_meta)
    return (
        f"SELECT i.{col('id')}, i.{col('kind')}, i.{col('object_id')}, p.{col('object_id')}, i.{col('number')}, "
        f"i.{col('title')}, i.{col('status')}, i.{col('is_open')}, i.{col('due_at')}, i.{col('warn_at')}, "
        f"i.{col('paused')}, i.{col('due_provisional')}, e.{col('name', related['enterprise'])}, "
        f"u.{col('name', related['person'])}, u.{col('username', related['person'])}, "
        f"n.{col('name', related['unit'])} "
        f"FROM (SELECT DISTINCT d.{item_id} AS item_id, d.{due} AS due_at FROM {table} d WHERE {where} "
        f"ORDER BY due_at NULLS LAST, item_id LIMIT %s OFFSET %s) page "
        f"JOIN {items} i ON i.{col('id')} = page.item_id "
        f"LEFT JOIN {items} p ON p.{col('id')} = i.{col('parent')} "
        f"LEFT JOIN {quote(related['enterprise'].db_table)} e ON e.{col('id', related['enterprise'])} = "
        f"i.{col('enterprise')} "
        f"LEFT JOIN {quote(related['person'].db_table)} u ON u.{col('id', related['person'])} = i.{col('person')} "
        f"LEFT JOIN {quote(related['unit'].db_table)} n ON n.{col('id', related['unit'])} = i.{col('unit')} "
        f"ORDER BY page.due_at NULLS LAST, page.item_id"
    )


def _aware(value):
    """A time as the ORM gives it: SQLite's driver hands back naive UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _row(values) -> dict:
    row = dict(zip(ROW_FIELDS, values, strict=True))
    row["due_at"], row["warn_at"] = _aware(row["due_at"]), _aware(row["warn_at"])
    for name in ("is_open", "paused", "due_provisional"):
        row[name] = bool(row[name])
    return row
