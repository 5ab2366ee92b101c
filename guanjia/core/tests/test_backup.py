"""Backup and restore: a restored system is the same system, and a restore is all or nothing.

Each test commits its data (a transactional test): the backup reads the database through a connection
of its own (SQLite's backup API, pg_dump), which sees only committed rows. The restore goes into a
scratch database of the same engine (a second file on SQLite, a second database on PostgreSQL) and a
fresh media folder, both compared with the originals: every table row by row, every file byte by byte.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from guanjia.core.backup import BackupError, backup_create, backup_prune, backup_restore, engines
from guanjia.core.backup.engines import backend_for, raw_connection
from guanjia.requests import services as s
from guanjia.tests_support.factories import ZoneFactory, build_world, ensure_reference_data
from guanjia.workflow.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

needs_pg_tools = pytest.mark.skipif(
    connection.vendor == "postgresql" and shutil.which("pg_dump") is None,
    reason="PostgreSQL's pg_dump, pg_restore and psql are not installed")


def pdf(name: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + body.encode() * 50, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def zone(media):
    """A small zone with requests, their timelines, notices and attachment files, all committed."""
    ensure_reference_data()  # another transactional test may have flushed the migrations' rows
    world = build_world()
    first = s.request_raise(actor=world.ent1_user, enterprise=world.ent1, source="portal", category="factors",
                            title="厂区二期用电增容", description="二期厂房投产需增容至 2000 kVA。",
                            attachments=[pdf("用电申请.pdf", "一"), pdf("厂房平面图.pdf", "二")])
    s.request_accept(actor=world.butler1, request=first)
    s.request_add_note(actor=world.butler1, request=first, comment="已约供电公司踏勘",
                       attachments=[pdf("踏勘记录.pdf", "三")])
    s.request_raise(actor=world.butler1, enterprise=world.ent2, source="visit", category="land",
                    title="用地指标", description="扩建需要 20 亩用地指标。", attachments=[pdf("规划.pdf", "四")])
    assert Attachment.objects.count() == 4
    return world


@pytest.fixture
def scratch(tmp_path):
    """A second database of the configured engine, empty, dropped afterwards; its settings dict."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restored"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    yield {**source, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def snapshot(settings_dict: dict) -> dict:
    """Every table's rows (sorted) and, on PostgreSQL, every sequence's position; not the planner's statistics
    (SQLite keeps them in a table: the restore makes them afresh)."""
    db = backend_for(settings_dict)
    with raw_connection(settings_dict) as raw:
        cursor, state = raw.cursor(), {}
        for table in db.introspection.table_names(cursor):
            if table.startswith("sqlite_stat"):
                continue
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            state[table] = sorted(cursor.fetchall(), key=repr)
            if db.vendor == "postgresql":
                for sequence in db.introspection.get_sequences(cursor, table):
                    cursor.execute(f"SELECT last_value, is_called FROM {db.ops.quote_name(sequence['name'])}")
                    state[f"sequence {sequence['name']}"] = cursor.fetchone()
        return state


def planner_statistics(settings_dict: dict) -> int:
    """How many statistics rows the planner holds."""
    with raw_connection(settings_dict) as raw:
        cursor = raw.cursor()
        cursor.execute("SELECT count(*) FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid "
                       "WHERE c.relname = 'requests_request'" if backend_for(settings_dict).vendor == "postgresql"
                       else "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'requests_request'")
        return cursor.fetchone()[0]


def files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of `archive` with `change(name, data)` applied to each member's bytes."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


@needs_pg_tools
def test_a_restored_system_is_the_same_system(zone, media, scratch, tmp_path, settings):
    archive = backup_create(output=tmp_path / "backup.tar.gz").path
    restored_media, restored_data = tmp_path / "restored" / "media", tmp_path / "restored" / "data"

    result = backup_restore(archive, database=scratch, media_root=restored_media, data_dir=restored_data)

    original = snapshot(connection.settings_dict)
    assert {"workflow_attachment", "workflow_event", "requests_request", "django_migrations"} <= original.keys()
    assert len(original["workflow_attachment"]) == 4 and original["auditlog_logentry"]
    assert snapshot(scratch) == original
    assert planner_statistics(scratch)  # the restore left the planner its statistics
    assert files(restored_media) == files(media) and len(files(media)) == 4
    assert (restored_data / "secret_key").read_text() == settings.SECRET_KEY
    assert result.pending_migrations == 0 and result.manifest.engine == connection.vendor
    assert {f["path"] for f in result.manifest.media} == {f"media/{name}" for name in files(media)}


@needs_pg_tools
def test_the_commands_back_up_and_restore_the_configured_database(zone, media, tmp_path, monkeypatch, settings):
    settings.DATA_DIR = tmp_path / "data"  # where the restored secret key goes
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    archive = next((tmp_path / "backups").glob("guanjia-backup-*.tar.gz"))
    assert str(archive) in out.getvalue() and archive.stat().st_mode & 0o077 == 0  # it holds the secret key
    before, before_files = snapshot(connection.settings_dict), files(media)

    Attachment.objects.filter(name="规划.pdf").delete()
    (media / "stray.txt").write_text("uploaded after the backup")
    ZoneFactory(name="备份之后的园区")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    call_command("restore", archive, stdout=out)
    assert "已取消" in out.getvalue() and (media / "stray.txt").exists()

    call_command("restore", archive, "--noinput", stdout=out)
    assert snapshot(connection.settings_dict) == before
    assert files(media) == before_files


@needs_pg_tools
def test_a_tampered_archive_is_refused_and_nothing_changes(zone, media, scratch, tmp_path):
    archive = backup_create(output=tmp_path / "backup.tar.gz").path
    target_media = tmp_path / "target-media"
    backup_restore(archive, database=scratch, media_root=target_media, data_dir=tmp_path / "data")
    before, before_files = snapshot(scratch), files(target_media)

    s.request_raise(actor=zone.butler1, enterprise=zone.ent1, source="visit", category="land", title="第二份备份",
                    description="x", attachments=[pdf("新.pdf", "五")])
    second = backup_create(output=tmp_path / "second.tar.gz").path
    tampered = rewritten(second, tmp_path / "tampered.tar.gz",
                         lambda name, data: data.replace(b"%PDF-1.4", b"%PDF-1.5") if name.endswith(".pdf") else data)

    with pytest.raises(BackupError, match="校验和不符"):
        backup_restore(tampered, database=scratch, media_root=target_media, data_dir=tmp_path / "data")
    assert snapshot(scratch) == before
    assert files(target_media) == before_files

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(second.read_bytes()[: second.stat().st_size // 2])
    with pytest.raises(BackupError, match="已损坏"):
        backup_restore(truncated, database=scratch, media_root=target_media, data_dir=tmp_path / "data")
    assert snapshot(scratch) == before


@needs_pg_tools
def test_an_archive_from_a_newer_schema_is_refused(zone, media, scratch, tmp_path):
    archive = backup_create(output=tmp_path / "backup.tar.gz").path

    def from_the_future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["requests"].append("9999_from_a_newer_guanjia")
        return json.dumps(manifest).encode()

    newer = rewritten(archive, tmp_path / "newer.tar.gz", from_the_future)
    with pytest.raises(BackupError, match="requests.9999_from_a_newer_guanjia"):
        backup_restore(newer, database=scratch, media_root=tmp_path / "m", data_dir=tmp_path / "d")
    assert not (tmp_path / "m").exists()
    with pytest.raises(CommandError, match="更新版本"):
        call_command("restore", newer, "--noinput", stdout=io.StringIO())


@needs_pg_tools
def test_an_archive_of_the_other_engine_is_refused(zone, media, scratch, tmp_path):
    archive = backup_create(output=tmp_path / "backup.tar.gz").path
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]

    def other_engine(name, data):
        return json.dumps({**json.loads(data), "engine": other}).encode() if name == "manifest.json" else data

    # PostgreSQL → SQLite is never possible; SQLite → PostgreSQL only into the configured database.
    refused = "不能直接恢复" if connection.vendor == "sqlite" else "只能恢复到当前配置的 PostgreSQL 数据库"
    with pytest.raises(BackupError, match=refused):
        backup_restore(rewritten(archive, tmp_path / "other.tar.gz", other_engine), database=scratch,
                       media_root=tmp_path / "m", data_dir=tmp_path / "d")


@needs_pg_tools
def test_a_restore_that_fails_midway_leaves_the_database_and_files_as_they_were(
        zone, media, scratch, tmp_path, monkeypatch):
    first = backup_create(output=tmp_path / "first.tar.gz").path
    target_media = tmp_path / "target-media"
    backup_restore(first, database=scratch, media_root=target_media, data_dir=tmp_path / "data")
    before, before_files = snapshot(scratch), files(target_media)
    assert before["workflow_attachment"]

    Attachment.objects.all().delete()
    ZoneFactory(name="第二份备份的园区")
    (media / "extra.txt").write_text("only in the second backup")
    second = backup_create(output=tmp_path / "second.tar.gz").path

    progress = None
    if connection.vendor == "sqlite":
        # The copy stops after some of the database's pages went over, as a full disk or a kill would.
        monkeypatch.setattr(engines, "SQLITE_PAGES_PER_STEP", 4)

        def progress(message):
            if message.startswith("恢复数据库：") and not message.endswith("100%"):
                raise OSError("disk full")
    else:
        # The dump's SQL all went through (schema dropped, every table loaded), then a statement fails.
        script = engines.PostgreSQL.script

        def failing_script(self, path):
            yield from script(self, path)
            yield b"\nSELECT 1 / 0;\n"

        monkeypatch.setattr(engines.PostgreSQL, "script", failing_script)

    with pytest.raises((OSError, BackupError)):
        backup_restore(second, database=scratch, media_root=target_media, data_dir=tmp_path / "data",
                       progress=progress)
    assert snapshot(scratch) == before
    assert files(target_media) == before_files
    assert not list(tmp_path.glob(".guanjia-restore-*"))  # the extracted archive is cleaned away


def test_the_scheduled_backup_keeps_the_newest_archives(zone, media, tmp_path, settings):
    from guanjia.core.tasks import scheduled_backup

    settings.GUANJIA_BACKUP_DIR = tmp_path / "backups"
    settings.GUANJIA_BACKUP_KEEP = 2
    settings.GUANJIA_BACKUP_DIR.mkdir()
    old = ["guanjia-backup-20261201T180000Z.tar.gz", "guanjia-backup-20261202T180000Z.tar.gz"]
    for name in [*old, "notes.txt"]:
        (settings.GUANJIA_BACKUP_DIR / name).write_text("an older archive")

    made = Path(scheduled_backup.call_local())

    kept = sorted(path.name for path in settings.GUANJIA_BACKUP_DIR.iterdir())
    assert kept == sorted([old[1], made.name, "notes.txt"])
    assert backup_prune(directory=settings.GUANJIA_BACKUP_DIR, keep=0) == [settings.GUANJIA_BACKUP_DIR / old[1]]


@pytest.mark.parametrize(("hour", "utc", "due"), [
    (2, "2026-12-04T18:00", True),  # 02:00 in Beijing
    (2, "2026-12-04T18:01", False),
    (2, "2026-12-04T02:00", False),
    (None, "2026-12-04T18:00", False),  # GUANJIA_BACKUP_HOUR=off
])
def test_the_scheduled_backup_runs_at_its_local_hour(settings, hour, utc, due):
    import datetime as dt

    from guanjia.core.tasks import backup_due

    settings.GUANJIA_BACKUP_HOUR = hour
    assert backup_due(dt.datetime.fromisoformat(utc)) is due  # huey passes naive UTC


# -- moving from SQLite to PostgreSQL ---------------------------------------------------------------------------
POSTGRES = os.environ.get("GUANJIA_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres_server() -> str | None:
    """Why the move cannot be tried here, or None: it needs a SQLite run and a PostgreSQL server beside it."""
    if connection.vendor != "sqlite":
        return "the move starts from a SQLite archive (run on SQLite)"
    try:
        import psycopg

        psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True).close()
    except Exception as error:  # noqa: BLE001 - any failure to connect means: not here
        return f"no PostgreSQL server at {POSTGRES}: {error}"
    return None


def guanjia(*args: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "-m", "guanjia", *args], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def dumped(text: str) -> list:
    return sorted(json.loads(text), key=lambda row: (row["model"], str(row["pk"])))


@pytest.mark.skipif(postgres_server() is not None, reason=str(postgres_server()))
def test_a_sqlite_archive_moves_into_postgresql(zone, media, tmp_path, settings):
    import psycopg

    archive = backup_create(output=tmp_path / "backup.tar.gz").path
    name = f"guanjia_move_test_{os.getpid()}"
    with psycopg.connect(POSTGRES, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
        env = {**os.environ, "DATABASE_URL": url, "GUANJIA_DATA_DIR": str(tmp_path / "pg-data"),
               "DJANGO_SETTINGS_MODULE": "guanjia.settings.base"}
        guanjia("migrate", "--noinput", env=env)
        output = guanjia("restore", str(archive), "--noinput", env=env)
        assert "已从" in output

        # The same rows, read back through Django on each side (an engine's own types differ: SQLite
        # keeps times as text): every model's objects, the migrations recorded, and the files.
        on_postgresql = dumped(guanjia("dumpdata", "--all", env=env))
        out = io.StringIO()
        call_command("dumpdata", "--all", stdout=out)
        assert on_postgresql == dumped(out.getvalue())
        assert {row["model"] for row in on_postgresql} >= {"workflow.attachment", "requests.request",
                                                           "auditlog.logentry", "contenttypes.contenttype"}
        assert files(tmp_path / "pg-data" / "media") == files(media)
        assert (tmp_path / "pg-data" / "secret_key").read_text() == settings.SECRET_KEY
        with psycopg.connect(url) as moved:  # the next id follows the copied ones
            assert moved.execute("SELECT nextval(pg_get_serial_sequence('workflow_attachment', 'id'))"
                                 ).fetchone()[0] > max(Attachment.objects.values_list("pk", flat=True))
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
