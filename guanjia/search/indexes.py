"""The searched texts and how a queryset is narrowed to the rows that may contain a word (grams.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL

from guanjia.search import grams


@dataclass(frozen=True)
class SearchIndex:
    name: str  # the PostgreSQL index and the SQLite FTS5 table: search_<name>
    table: str
    columns: tuple[str, ...]  # joined with a space, in this order, as one text

    @property
    def fts_table(self) -> str:
        return f"search_{self.name}"

    def sql_text(self, prefix: str = "") -> str:
        """The indexed text as SQL over the table's columns (`prefix`: `new.`, `old.`, or none)."""
        return " || ' ' || ".join(f"{prefix}{column}" for column in self.columns)


ENTERPRISE_NAME = SearchIndex("enterprise_name", "enterprises_enterprise", ("name",))
REQUEST_TEXT = SearchIndex("request_text", "requests_request", ("number", "title"))
INDEXES = (ENTERPRISE_NAME, REQUEST_TEXT)


class _HoldsGrams(Func):
    """`guanjia_grams(<the index's text>) @> ARRAY[…]`, written as the index's own expression so that
    PostgreSQL reads the rows through the index."""

    output_field = BooleanField()

    def __init__(self, *columns, word_grams: list[str]):
        super().__init__(*[F(c) for c in columns])
        self.word_grams = word_grams

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, sql_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(sql_params)
        text = " || ' ' || ".join(parts)
        return f"guanjia_grams({text}) @> %s::text[]", (*params, self.word_grams)


def holds_word(index: SearchIndex, word: str, *, using: str = "default") -> Q:
    """The rows whose indexed text may contain `word`, read through its index; the caller keeps its own exact
    test (`LIKE`) beside it. Every row for an empty word."""
    if not word:
        return Q()
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return Q(_HoldsGrams(*index.columns, word_grams=grams.word_grams(word)))
    if vendor == "sqlite":
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {index.fts_table} WHERE {index.fts_table} MATCH %s",
                               [grams.sqlite_match(word)]))
    return Q()


def shares_holding(indexes: tuple[SearchIndex, ...], word: str, *, using: str = "default") -> dict[str, float]:
    """PostgreSQL's estimate of the share of each index's rows (0 to 1) that hold every gram of `word`, by index
    name, from the statistics ANALYZE keeps of the index (its most common grams and their shares). 0 for a word
    with a gram rarer than those, where there are no statistics yet (or the role may not read them), and on
    SQLite: the index is then the way to its rows."""
    shares = dict.fromkeys((index.name for index in indexes), 0.0)
    connection = connections[using]
    if connection.vendor != "postgresql" or not word:
        return shares
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE schemaname = current_schema() AND tablename = ANY(%s) AND most_common_elems IS NOT NULL",
                       [[f"search_{index.name}" for index in indexes]])
        rows = cursor.fetchall()
    wanted = grams.word_grams(word)
    for index_name, elements, frequencies in rows:
        common = dict(zip(elements, frequencies, strict=False))  # the frequencies end with three summary values
        if all(gram in common for gram in wanted):
            shares[index_name.removeprefix("search_")] = min(common[gram] for gram in wanted)
    return shares


def sqlite_triggers(index: SearchIndex) -> dict[str, str]:
    """The triggers that keep an index's FTS5 table in step with its table on SQLite, by name."""
    fts, table, new, old = index.fts_table, index.table, index.sql_text("new."), index.sql_text("old.")
    remove = f"INSERT INTO {fts}({fts}, rowid, grams) VALUES ('delete', old.id, guanjia_grams({old}));"
    add = f"INSERT INTO {fts}(rowid, grams) VALUES (new.id, guanjia_grams({new}));"
    return {
        f"{fts}_insert": f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"{fts}_delete": f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"{fts}_update": f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {', '.join(index.columns)} ON {table} "
                         f"BEGIN {remove} {add} END",
    }


def repair_sqlite(connection) -> list[str]:
    """Make good an index whose triggers are gone, and rebuild what it missed meanwhile.

    SQLite drops a table's triggers when a migration remakes the table (an added column with a default, an
    altered one): the index would then silently miss every new or renamed row. Run after every `migrate`
    (apps.py); returns the names of the indexes rebuilt.
    """
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for index in INDEXES:
            if index.fts_table not in present or index.table not in present:
                continue  # not migrated yet (or unmade): the migration makes it whole
            triggers = sqlite_triggers(index)
            missing = [sql for name, sql in triggers.items() if name not in present]
            if not missing:
                continue
            for sql in missing:
                cursor.execute(sql)
            cursor.execute(f"INSERT INTO {index.fts_table}({index.fts_table}) VALUES ('delete-all')")
            cursor.execute(f"INSERT INTO {index.fts_table}(rowid, grams) "
                           f"SELECT id, guanjia_grams({index.sql_text()}) FROM {index.table}")
            rebuilt.append(index.name)
    return rebuilt
