"""Moving from SQLite to PostgreSQL: a SQLite archive restored into the configured PostgreSQL database.

A SQLite file cannot be fed to pg_restore, so the rows go over through Django: every model's rows are
read from the archived file (opened read-only under a connection alias of its own) as Python values and
written into the target as its own backend prepares them, in one transaction that first empties every
table. Both sides must be at this code's migrations: the target's schema is made by `guanjia migrate`,
and the archive's rows must fit the models as they are now.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

from guanjia.core.backup.errors import BackupError

ARCHIVE_ALIAS = "guanjia_archive"
BATCH = 2000


def copyable_models() -> list:
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy]


def load_across(sqlite_file: Path, *, progress: Callable[[int, int | None], None]) -> int:
    """Replace every row of the configured database with the archived SQLite file's; returns rows copied."""
    target = connections[DEFAULT_DB_ALIAS]
    connections.settings[ARCHIVE_ALIAS] = {
        **target.settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": f"file:{sqlite_file}?mode=ro",
        "OPTIONS": {}, "HOST": "", "PORT": "", "USER": "", "PASSWORD": "", "CONN_MAX_AGE": 0,
    }
    models = copyable_models()
    copied = 0
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS), target.cursor() as cursor:
            tables = [model._meta.db_table for model in models]
            for sql in target.ops.sql_flush(no_style(), tables, allow_cascade=True):
                cursor.execute(sql)
            for model in models:
                fields = model._meta.concrete_fields
                qn = target.ops.quote_name
                insert = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                          f"VALUES ({', '.join(['%s'] * len(fields))})")
                rows = (model._base_manager.using(ARCHIVE_ALIAS).order_by().values_list(*(f.attname for f in fields))
                        .iterator(chunk_size=BATCH))
                batch = []
                for row in rows:
                    batch.append([f.get_db_prep_save(value, connection=target) for f, value in zip(fields, row,
                                                                                                 strict=True)])
                    if len(batch) == BATCH:
                        cursor.executemany(insert, batch)
                        copied += len(batch)
                        progress(copied, None)
                        batch = []
                if batch:
                    cursor.executemany(insert, batch)
                    copied += len(batch)
            for sql in target.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    except BackupError:
        raise
    except Exception as error:
        raise BackupError(_("恢复数据库失败，数据库未改动：%(error)s") % {"error": error}) from error
    finally:
        if ARCHIVE_ALIAS in connections.settings:
            connections[ARCHIVE_ALIAS].close()
            del connections[ARCHIVE_ALIAS]
            del connections.settings[ARCHIVE_ALIAS]
    return copied
