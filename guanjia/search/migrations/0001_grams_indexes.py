"""The grams indexes of enterprises' names and requests' numbers and titles (guanjia/search/grams.py)."""

from django.db import migrations

from guanjia.search.indexes import SearchIndex

# As they stood when this migration was written (a later change of what is searched is a migration of its own).
INDEXES = (SearchIndex("enterprise_name", "enterprises_enterprise", ("name",)),
           SearchIndex("request_text", "requests_request", ("number", "title")))

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION guanjia_grams(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH folded AS (SELECT translate(s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS t)
  SELECT coalesce(array_agg(DISTINCT piece), '{}'::text[]) FROM (
    SELECT substr(t, i, 1) AS piece FROM folded, generate_series(1, length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM folded, generate_series(1, length(t) - 1) AS i
  ) AS pieces
$$
"""


def sqlite_statements(index):
    fts, table, new, old = index.fts_table, index.table, index.sql_text("new."), index.sql_text("old.")
    remove = f"INSERT INTO {fts}({fts}, rowid, grams) VALUES ('delete', old.id, guanjia_grams({old}));"
    add = f"INSERT INTO {fts}(rowid, grams) VALUES (new.id, guanjia_grams({new}));"
    columns = ", ".join(index.columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(grams, content='', detail=none, tokenize='ascii')",
        f"INSERT INTO {fts}(rowid, grams) SELECT id, guanjia_grams({index.sql_text()}) FROM {table}",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN {remove} {add} END",
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for_vendor = {
        "postgresql": lambda: [POSTGRES_FUNCTION, *[
            f"CREATE INDEX search_{i.name} ON {i.table} USING gin (guanjia_grams({i.sql_text()}))" for i in INDEXES]],
        "sqlite": lambda: [s for i in INDEXES for s in sqlite_statements(i)],
    }
    for statement in for_vendor.get(vendor, list)():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for index in INDEXES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS search_{index.name}")
        elif vendor == "sqlite":
            for trigger in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {index.fts_table}_{trigger}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {index.fts_table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS guanjia_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0006_internal_note"),
        ("requests", "0013_backfill_ratings"),
    ]
    operations = [migrations.RunPython(create, drop, elidable=False)]
