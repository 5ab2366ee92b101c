"""The database half of a backup: SQLite through its online backup API, PostgreSQL through pg_dump and psql.

Each engine writes a dump of the database named by a Django settings dict (`DATABASES[alias]`), checks a
dump without touching any database, and loads a dump all or nothing.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db.backends.postgresql.client import DatabaseClient
from django.db.utils import ConnectionHandler
from django.utils.translation import gettext as _

from guanjia.core.backup.errors import BackupError
from guanjia.core.bulk import statistics_sql

# (done, total) as the work goes on; total is None when it is not known beforehand.
Progress = Callable[[int, int | None], None]

SQLITE_PAGES_PER_STEP = 4096  # 16 MB of 4 KB pages between two progress reports
PSQL_CHUNK = 1024 * 1024


def backend_for(settings_dict: dict):
    """Django's backend for the database `settings_dict` names (its dialect, its introspection), not
    connected and not one of `connections`: a restore may target another database than the configured one."""
    return ConnectionHandler({"default": {}, "guanjia_backup": copy.deepcopy(settings_dict)})["guanjia_backup"]


@contextlib.contextmanager
def raw_connection(settings_dict: dict):
    """A DB-API connection of its own to that database, made as Django makes its own (the same options and
    init commands) but outside Django's connection handling; closed afterwards."""
    backend = backend_for(settings_dict)
    raw = backend.get_new_connection(backend.get_connection_params())
    try:
        yield raw
    finally:
        raw.close()


def vendor_of(settings_dict: dict) -> str:
    return {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}.get(
        settings_dict["ENGINE"], settings_dict["ENGINE"])


class Engine:
    vendor = ""
    dump_name = ""

    def __init__(self, settings_dict: dict):
        self.settings = settings_dict

    def describe(self) -> str:
        return str(self.settings["NAME"])

    def dump(self, path: Path, progress: Progress) -> None:
        raise NotImplementedError

    def check(self, path: Path) -> None:
        raise NotImplementedError

    def load(self, path: Path, progress: Progress) -> None:
        raise NotImplementedError

    def applied_migrations(self) -> set[tuple[str, str]]:
        """(app, name) of the migrations recorded in the database; none before its first `migrate`."""
        database = backend_for(self.settings).Database
        with raw_connection(self.settings) as raw:
            cursor = raw.cursor()
            try:
                cursor.execute("SELECT app, name FROM django_migrations")
            except database.DatabaseError:
                return set()
            return set(cursor.fetchall())

    def refresh_statistics(self) -> None:
        with raw_connection(self.settings) as raw:
            vacuum = self.vendor == "postgresql"  # VACUUM runs outside a transaction only
            if vacuum:
                raw.autocommit = True
            cursor = raw.cursor()
            for sql in statistics_sql(self.vendor, vacuum=vacuum):
                cursor.execute(sql.rstrip())
            if not vacuum:
                raw.commit()


class SQLite(Engine):
    """The database file copied page by page by SQLite's online backup API, which reads one consistent
    state of a database in use (WAL included) and writes its destination in one transaction."""

    vendor = "sqlite"
    dump_name = "database/guanjia.sqlite3"

    def dump(self, path: Path, progress: Progress) -> None:
        with raw_connection(self.settings) as source:
            target = sqlite3.connect(path)
            try:
                source.backup(target, pages=SQLITE_PAGES_PER_STEP,
                              progress=lambda _status, left, total: progress(total - left, total))
                # The copy stands alone: no -wal file to carry beside it.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()

    def check(self, path: Path) -> None:
        try:
            dump = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                result = dump.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                dump.close()
        except sqlite3.DatabaseError as error:
            result = str(error)
        if result != "ok":
            raise BackupError(_("备份中的数据库文件已损坏：%(error)s") % {"error": result})

    def load(self, path: Path, progress: Progress) -> None:
        """Copy the dump into the configured database file through the backup API.

        Rather than a file put in the database's place: the destination is written in one transaction that
        SQLite commits whole or rolls back (an error, a stop midway), its WAL stays consistent, and a process
        that still has the database open waits for the lock instead of reading a file swapped under it.
        """
        Path(self.settings["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            with raw_connection(self.settings) as target:
                source.backup(target, pages=SQLITE_PAGES_PER_STEP,
                              progress=lambda _status, left, total: progress(total - left, total))
        except sqlite3.Error as error:
            raise BackupError(_("恢复数据库失败，数据库未改动：%(error)s") % {"error": error}) from error
        finally:
            source.close()


class PostgreSQL(Engine):
    """`pg_dump -Fc` to back up; to restore, the dump as SQL (`pg_restore -f -`) run by psql in one
    transaction that first empties the schema, so that tables the dump does not have (of a newer
    migration) go too, and nothing is changed unless all of it succeeds."""

    vendor = "postgresql"
    dump_name = "database/guanjia.pgdump"

    def command(self, program: str, *parameters: str, database: bool = True) -> tuple[list[str], dict]:
        if shutil.which(program) is None:
            raise BackupError(_("找不到 %(program)s：请安装 PostgreSQL 客户端（Debian：postgresql-client，"
                                "版本不低于数据库服务器）。") % {"program": program})
        if not database:
            return [program, *parameters], dict(os.environ)
        args, env = DatabaseClient.settings_to_cmd_args_env(self.settings, list(parameters))
        return [program, *args[1:]], {**os.environ, **(env or {})}

    def describe(self) -> str:
        host = self.settings.get("HOST") or "localhost"
        return f"{self.settings['NAME']} @ {host}"

    def dump(self, path: Path, progress: Progress) -> None:
        args, env = self.command("pg_dump", "--format=custom", f"--file={path}")
        self._run(args, env, _("导出数据库失败"))
        progress(1, 1)

    def check(self, path: Path) -> None:
        args, env = self.command("pg_restore", "--list", str(path), database=False)
        self._run(args, env, _("备份中的数据库文件已损坏"))

    def script(self, path: Path):
        """The dump as SQL, in chunks of bytes (pg_restore reads the archive; it connects to no database)."""
        args, env = self.command("pg_restore", "--no-owner", "--no-acl", "--file=-", str(path), database=False)
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=errors)
            try:
                yield from iter(lambda: process.stdout.read(PSQL_CHUNK), b"")
                if process.wait() != 0:
                    errors.seek(0)
                    raise BackupError(_("读取备份中的数据库失败：%(error)s") % {
                        "error": errors.read().decode(errors="replace").strip()})
            finally:
                process.stdout.close()
                if process.poll() is None:
                    process.kill()
                process.wait()

    def load(self, path: Path, progress: Progress) -> None:
        args, env = self.command("psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1")
        with tempfile.TemporaryFile() as errors:
            psql = subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
            script = self.script(path)
            try:
                # COMMIT is sent only once the whole script went through: if anything fails or stops
                # before, psql reaches the end of its input inside the transaction, and PostgreSQL rolls
                # all of it back.
                try:
                    psql.stdin.write(b"BEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
                    sent = 0
                    for chunk in script:
                        psql.stdin.write(chunk)
                        sent += len(chunk)
                        progress(sent, None)
                    psql.stdin.write(b"\nCOMMIT;\n")
                except BrokenPipeError:  # psql stopped at an error; its message says which
                    pass
                finally:
                    with contextlib.suppress(BrokenPipeError):
                        psql.stdin.close()
            except BaseException:
                psql.kill()
                raise
            finally:
                script.close()
                psql.wait()
            if psql.returncode != 0:
                errors.seek(0)
                raise BackupError(_("恢复数据库失败，数据库未改动：%(error)s") % {
                    "error": errors.read().decode(errors="replace").strip()})

    @staticmethod
    def _run(args: list[str], env: dict, failed: str) -> None:
        result = subprocess.run(args, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"{failed}：{result.stderr.strip()}")


ENGINES = {engine.vendor: engine for engine in (SQLite, PostgreSQL)}


def engine_for(settings_dict: dict) -> Engine:
    vendor = vendor_of(settings_dict)
    if vendor not in ENGINES:
        raise BackupError(_("不支持备份这种数据库：%(engine)s") % {"engine": settings_dict["ENGINE"]})
    return ENGINES[vendor](settings_dict)
