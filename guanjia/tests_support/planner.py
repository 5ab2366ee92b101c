"""The query planner as tests read it: whether it holds a table's statistics, and how it reads a queryset."""

from django.db import connection, transaction


def analyzed(model) -> bool:
    """Whether the planner holds statistics of the model's table."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # column statistics exist once ANALYZE read rows
            cursor.execute("SELECT count(*) FROM pg_statistic WHERE starelid = %s::regclass", [table])
            return cursor.fetchone()[0] > 0
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def plan(queryset, *, disable: tuple[str, ...] = ("seqscan",)) -> str:
    """How the database reads `queryset`: SQLite's `EXPLAIN QUERY PLAN`, or PostgreSQL's `EXPLAIN` with the plan
    kinds in `disable` turned off (`enable_<kind>`, for this transaction only). A test database's few rows make
    any plan look cheapest to PostgreSQL, so its plan shows what an index can serve, not what it would pick."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for kind in disable:
                cursor.execute(f"SET LOCAL enable_{kind} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())
