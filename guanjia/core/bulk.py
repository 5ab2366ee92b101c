"""Writing many rows fast: plain dicts written by `executemany` on SQLite and `COPY` on PostgreSQL.

`bulk_create` compiles every value of every model instance into SQL through the field
machinery; for hundreds of thousands of rows that compiling is most of the time
(cProfile: 70 % of the request seed, 58 % of a reminder backlog). `Rows` keeps each row
as a dict keyed by column attname, with the model's defaults, and writes them in one
statement. No signals are sent and nothing is validated: callers build rows from data
they have already checked (the seed, the reminder job, the notification fan-out).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable

from django.db import connection


def _fk(value):
    """A foreign key given as the parent's row (its id is known only once that batch is written) or an id."""
    return value["id"] if type(value) is dict else value


def _sqlite_datetime(value):
    # What Django's SQLite backend stores: naive UTC text.
    return None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))


class Rows:
    """The rows of one model, kept as dicts keyed by column attname and written in one go.

    Defaults come from the model's fields; a foreign key may hold its parent's row dict.
    `ids=True` reserves primary keys before writing, so that children can refer to the rows
    (and callers can read `row["id"]` afterwards).
    """

    def __init__(self, model, *, ids: bool = False):
        self.model, self.ids = model, ids
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.rows: list[dict] = []
        vendor = connection.vendor
        self.adapters: list[tuple[int, Callable]] = []  # (position among self.columns, adapter)
        for i, field in enumerate(fields):
            kind = field.get_internal_type()
            if field.is_relation:
                self.adapters.append((i, _fk))
            elif kind == "DateTimeField" and vendor == "sqlite":
                self.adapters.append((i, _sqlite_datetime))
            elif kind == "JSONField":
                self.adapters.append((i, json.dumps))

    def __len__(self) -> int:
        return len(self.rows)

    def new(self, **values) -> dict:
        row = self.defaults.copy()
        row.update(values)
        self.rows.append(row)
        return row

    def reserve(self) -> None:
        """Give the rows kept so far their primary keys now (rows elsewhere may need them as plain values)."""
        missing = [row for row in self.rows if "id" not in row]
        if missing:
            for row, pk in zip(missing, reserve_ids(self.model, len(missing)), strict=True):
                row["id"] = pk

    def write(self) -> int:
        """Write the rows kept so far (ids first, if reserved) and start afresh; returns how many."""
        rows, count = self.rows, len(self.rows)
        if not rows:
            return 0
        columns, offset = self.columns, 0
        if self.ids:
            self.reserve()
            columns, offset = ["id", *columns], 1
        adapters = [(i + offset, adapt) for i, adapt in self.adapters]
        values = []
        for row in rows:
            value = [row[c] for c in columns]
            for i, adapt in adapters:
                value[i] = adapt(value[i])
            values.append(value)
        qn = connection.ops.quote_name
        table, names = qn(self.model._meta.db_table), ", ".join(qn(c) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The raw psycopg cursor: wrap its errors as Django's (IntegrityError …) ourselves.
                with connection.wrap_database_errors, cursor.cursor.copy(
                        f"COPY {table} ({names}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)
        self.rows = []
        return count


def reserve_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys: from the sequence on PostgreSQL, above every id ever used on SQLite.

    On SQLite call it inside the transaction that writes the rows: Guanjia's SQLite
    transactions begin IMMEDIATE, so the write lock held from the start makes the ids safe.
    """
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, count])
            return [row[0] for row in cursor.fetchall()]
        qn = connection.ops.quote_name
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses an id, even a deleted one
            cursor.execute(f"SELECT MAX(COALESCE((SELECT MAX({qn(pk)}) FROM {qn(table)}), 0), "
                           "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))", [table])
        else:
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
        top = cursor.fetchone()[0]
    return list(range(top + 1, top + 1 + count))


def statistics_sql(vendor: str, tables: Iterable[str] = (), *, vacuum: bool = False) -> list[str]:
    """The statements that bring the query planner's statistics up to date after many rows arrived at once
    (a seed, a large import, a restore); `tables` quoted, none for all.

    PostgreSQL: `ANALYZE`, what autovacuum would do a little later anyway, after flushing the pending lists of
    the GIN indexes the role owns (the search's grams; only their owner may): a load leaves up to 4 MB of
    entries there, which every search reads one by one and the planner prices in until a vacuum (a manual
    ANALYZE does not flush them, autoanalyze does).
    With `vacuum` (outside a transaction only), `VACUUM (ANALYZE)` instead: it also flushes those lists and sets
    the tables' visibility map, without which PostgreSQL cannot count through an index alone (the 全部诉求 and
    the home page's counts) until autovacuum comes by, if it is on at all.
    SQLite: a whole `ANALYZE` (2 s for a 1.1 GB database of 200 000 requests). Not `PRAGMA optimize`: before
    3.46 it analyzes only tables the same connection has queried, so after a load it analyzed nothing (3.40
    here). Not with an `analysis_limit` either: sampling the first 1 000 rows of an index, SQLite took a zone of
    100 000 enterprises for one of 1 000, and counted the 企业库 by looking up every row through the zone's
    index (134 ms instead of 13).
    """
    tables = list(tables)
    if vendor == "postgresql":
        if vacuum:
            return [f"VACUUM (ANALYZE) {', '.join(tables)}".rstrip()]
        named = ", ".join(f"'{table}'" for table in tables)
        of_tables = f" AND i.indrelid = ANY(ARRAY[{named}]::regclass[])" if tables else ""
        return [("SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                 " JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND pg_has_role(c.relowner, 'USAGE')"
                 f" AND c.relnamespace = current_schema()::regnamespace{of_tables}"),
                f"ANALYZE {', '.join(tables)}".rstrip()]
    if vendor == "sqlite":  # one table per ANALYZE statement
        return [f"ANALYZE {t}".rstrip() for t in tables or [""]]
    return []


def models_of(*app_labels: str) -> tuple:
    """Every table-backed model of the apps, their many-to-many tables included: what a load across those apps
    (a seed) leaves to `refresh_statistics`, so that no table it wrote is left without statistics."""
    from django.apps import apps

    return tuple(model for label in app_labels
                 for model in apps.get_app_config(label).get_models(include_auto_created=True)
                 if model._meta.managed and not model._meta.proxy)


def refresh_statistics(*, using=None, models=(), vacuum: bool = False) -> None:
    """Run `statistics_sql` for `models`' tables (all tables if none) on the connection `using`. `vacuum`: on
    PostgreSQL, a `VACUUM (ANALYZE)` when no transaction is open (a seed; inside one it analyzes only). An
    import, which runs in a person's request, analyzes only: vacuuming the audit log could take its time."""
    using = using or connection
    tables = {using.ops.quote_name(model._meta.db_table) for model in models}
    vacuum = vacuum and using.vendor == "postgresql" and not using.in_atomic_block
    with using.cursor() as cursor:
        for sql in statistics_sql(using.vendor, sorted(tables), vacuum=vacuum):
            cursor.execute(sql.rstrip())
