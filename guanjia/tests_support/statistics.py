"""Whether the query planner holds statistics of a table, read from the database itself."""

from django.db import connection


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
