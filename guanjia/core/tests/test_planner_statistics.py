"""Bulk loads leave the query planner its statistics: a seed, a large roster import (a restore: test_backup).

On SQLite before 3.46, `PRAGMA optimize` analyzed only tables its own connection had queried, so after a
load it analyzed nothing; these tests read the statistics themselves (`sqlite_stat1`, `pg_statistic`).
"""

from __future__ import annotations

import pytest
from django.db import connection

from guanjia.core.bulk import refresh_statistics
from guanjia.demo.seed import seed_zone
from guanjia.enterprises import importing
from guanjia.enterprises.importing import roster_import
from guanjia.enterprises.models import Enterprise
from guanjia.enterprises.tests.test_importing import ok_row, xlsx
from guanjia.org.models import Zone
from guanjia.tests_support.planner import analyzed


def test_refresh_statistics_analyzes_the_tables_named(world):
    assert not analyzed(Zone)
    refresh_statistics(models=(Zone,))
    assert analyzed(Zone)


@pytest.mark.django_db
def test_a_seed_leaves_the_enterprises_their_statistics():
    seed_zone(enterprises=30, projects=5)
    assert analyzed(Enterprise)


def test_a_large_import_refreshes_the_statistics_a_small_one_does_not(world, monkeypatch):
    monkeypatch.setattr(importing, "LARGE_IMPORT", 3)
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([ok_row(1), ok_row(2)]))
    assert not analyzed(Enterprise)
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([ok_row(3), ok_row(4), ok_row(5)]))
    assert analyzed(Enterprise)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's sampled statistics")
def test_the_statistics_count_every_row_of_a_large_zone(world):
    """The zone's index is read whole: sampled (analysis_limit 1 000), SQLite took a zone of 100 000
    enterprises for one of about 1 000 and read the 企业库's count through that index, row by row."""
    Enterprise.objects.bulk_create(Enterprise(zone=world.zone, name=f"企业{n}", uscc=f"X{n:017d}")
                                   for n in range(3000))
    refresh_statistics(models=(Enterprise,))
    in_zone = Enterprise.objects.filter(zone=world.zone).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'enterprises_enterprise' AND idx = "
                       "'enterprise_zone_name'")
        rows, per_zone, *_rest = (int(n) for n in cursor.fetchone()[0].split())
    assert rows == Enterprise.objects.count() and per_zone >= in_zone / 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_a_refresh_flushes_the_search_indexes_pending_lists(world):
    """A load's grams wait in the GIN index's pending list, read entry by entry by every search (and priced in
    by the planner, which then passed the index by) until a vacuum: a manual ANALYZE leaves them there."""
    def flushed_pages() -> int:  # a flush returns the pages it emptied
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('search_enterprise_name'::regclass)")
            return cursor.fetchone()[0]

    def load(first: int) -> None:
        Enterprise.objects.bulk_create(Enterprise(zone=world.zone, name=f"秦川第{n}机械有限公司", uscc=f"Q{n:017d}")
                                       for n in range(first, first + 500))

    load(0)
    assert flushed_pages() > 0  # a load fills the list
    load(500)
    refresh_statistics(models=(Enterprise,))
    assert flushed_pages() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_seeds_refresh_also_vacuums(world):
    """After a seed or a restore (no transaction open) the tables are vacuumed as well: their visibility map
    set, PostgreSQL counts through an index alone at once, whether autovacuum comes by or not."""
    def all_visible_pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT relallvisible FROM pg_class WHERE oid = 'enterprises_enterprise'::regclass")
            return cursor.fetchone()[0]

    Enterprise.objects.bulk_create(Enterprise(zone=world.zone, name=f"秦川第{n}机械有限公司", uscc=f"Q{n:017d}")
                                   for n in range(2000))
    assert all_visible_pages() == 0
    refresh_statistics(models=(Enterprise,))
    assert all_visible_pages() == 0  # by default (an import): analyzed only
    refresh_statistics(models=(Enterprise,), vacuum=True)
    assert all_visible_pages() > 0 and analyzed(Enterprise)
