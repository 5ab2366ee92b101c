"""Backing up and restoring a whole Guanjia: its database, its uploaded files and its secret key.

`backup_create` writes one archive (`archive.py`); `backup_restore` puts one back, all or nothing: the
archive is extracted and verified beside the data directory first, then the database is loaded in one
transaction (`engines.py`), and only once that succeeded are the files swapped in and the key written.
`backup_prune` keeps the newest archives of the scheduled backup.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guanjia.core.backup.across import load_across
from guanjia.core.backup.archive import MEDIA_DIR, SECRET_KEY_NAME, ArchiveWriter, Manifest, archive_unpack
from guanjia.core.backup.engines import ENGINES, engine_for
from guanjia.core.backup.errors import BackupError
from guanjia.settings import env

ARCHIVE_PREFIX = "guanjia-backup-"
ARCHIVE_SUFFIX = ".tar.gz"

Report = Callable[[str], None]


@dataclass
class BackupResult:
    path: Path
    manifest: Manifest
    seconds: float


@dataclass
class RestoreResult:
    manifest: Manifest
    seconds: float
    pending_migrations: int = 0
    warnings: list[str] = field(default_factory=list)


class _Meter:
    """Reports a long step's progress as it goes: every tenth when the total is known, else every so often."""

    def __init__(self, report: Report, label: str, *, unit: str = "", every: int = 0):
        self.report, self.label, self.unit, self.every = report, label, unit, every
        self.next_tenth, self.next_count = 1, every

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            tenth = done * 10 // total
            if tenth >= self.next_tenth:
                self.next_tenth = tenth + 1
                self.report(f"{self.label}{pgettext('label separator', '：')}{tenth * 10}%")
        elif self.every and done >= self.next_count:
            self.next_count = done + self.every
            self.report(f"{self.label}{pgettext('label separator', '：')}{done:,}{self.unit}")


def _quiet(message: str) -> None:
    pass


def guanjia_version() -> str:
    try:
        return importlib.metadata.version("guanjia")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def archive_name(now: dt.datetime | None = None) -> str:
    """`guanjia-backup-20261204T180000Z.tar.gz`: UTC, so that names sort as the archives' ages."""
    moment = (now or timezone.now()).astimezone(dt.UTC)
    return f"{ARCHIVE_PREFIX}{moment:%Y%m%dT%H%M%SZ}{ARCHIVE_SUFFIX}"


def migrations_by_app(applied: set[tuple[str, str]]) -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        by_app.setdefault(app, []).append(name)
    return by_app


def migrations_unknown(manifest: Manifest) -> list[str]:
    """The archive's migrations this code does not have: the archive comes from a newer Guanjia."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, names in manifest.migrations.items() for name in names
                  if (app, name) not in known)


def migrations_pending(applied: set[tuple[str, str]]) -> int:
    """How many of this code's migrations a database with `applied` has yet to run (an older archive's)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    needed = {node for leaf in graph.leaf_nodes() for node in graph.forwards_plan(leaf)}

    def done(key) -> bool:  # a squashed migration is done when all it replaces are
        replacing = loader.replacements.get(key)
        return key in applied or (replacing is not None and all(r in applied for r in replacing.replaces))

    return sum(1 for key in needed if not done(key))


def backup_create(*, output: Path | None = None, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None,
                  progress: Report | None = None) -> BackupResult:
    """Write an archive of the database `using`, the files under `media_root` and the secret key.

    `output` is the archive's path, or a folder to put it in under its dated name (default: the backup
    folder, `GUANJIA_BACKUP_DIR`). The database is copied first, then the files: a file uploaded
    meanwhile may come along without its row, which the nightly sweep of orphaned files removes.
    """
    report = progress or _quiet
    started = time.monotonic()
    output = Path(output or settings.GUANJIA_BACKUP_DIR)
    if output.is_dir() or (output.suffix == "" and not output.exists()):
        output = output / archive_name()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    engine = engine_for(connections[using].settings_dict)
    migrations = migrations_by_app(engine.applied_migrations())
    if not migrations:
        raise BackupError(_("数据库尚未迁移（guanjia migrate），没有可备份的内容。"))

    with ArchiveWriter(output) as writer:
        with tempfile.TemporaryDirectory(prefix="guanjia-backup-", dir=output.parent) as scratch:
            dump = Path(scratch) / Path(engine.dump_name).name
            report(_("正在导出数据库（%(name)s）……") % {"name": engine.describe()})
            engine.dump(dump, _Meter(report, _("导出数据库")))
            report(_("正在写入归档……"))
            writer.add_path(engine.dump_name, dump)
        writer.add_bytes(SECRET_KEY_NAME, settings.SECRET_KEY.encode())
        files = sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.is_dir() else []
        meter = _Meter(report, _("上传文件"))
        for done, path in enumerate(files, start=1):
            writer.add_path(f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}", path)
            meter(done, len(files))
        manifest = Manifest(created_at=timezone.now().isoformat(), guanjia_version=guanjia_version(),
                            engine=engine.vendor, database=engine.dump_name, migrations=migrations)
        writer.finish(manifest)
    return BackupResult(path=output, manifest=manifest, seconds=time.monotonic() - started)


def backup_prune(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` (at least one) dated archives in `directory`; returns those deleted."""
    archives = sorted(directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))
    doomed = archives[:-max(keep, 1)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def backup_restore(path: Path, *, database: dict | None = None, media_root: Path | None = None,
                   data_dir: Path | None = None, confirm: Callable[[Manifest], bool] | None = None,
                   progress: Report | None = None) -> RestoreResult | None:
    """Put the archive at `path` back into `database` (a `DATABASES` entry; the configured one by default),
    `media_root` and the secret-key file of `data_dir`, replacing what is there.

    Everything is checked before anything changes: the archive's checksums, that its database engine is
    the target's, that its migrations are all known to this code (an archive of a newer Guanjia is refused)
    and that its dump is readable. `confirm` is then asked (None from it: nothing done, returns None). The
    database is loaded all or nothing; a failure there leaves database and files as they were. Stop the
    web workers and the job consumer first: they would hold the database meanwhile.
    """
    report = progress or _quiet
    started = time.monotonic()
    database = database or settings.DATABASES[DEFAULT_DB_ALIAS]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    data_dir = Path(data_dir or settings.DATA_DIR)
    engine = engine_for(database)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Beside the media folder, so that the new one takes the old one's place by a rename.
    staging = Path(tempfile.mkdtemp(prefix=".guanjia-restore-", dir=media_root.parent))
    try:
        report(_("正在校验备份 %(path)s ……") % {"path": path})
        manifest = archive_unpack(Path(path), staging, progress=_Meter(report, _("已解包文件"), every=1000))
        unknown = migrations_unknown(manifest)
        if unknown:
            raise BackupError(_(
                "备份来自更新版本的 Guanjia（%(version)s），含本程序没有的迁移：%(names)s。请先升级再恢复。"
            ) % {"version": manifest.guanjia_version, "names": "、".join(unknown[:5])})
        across = (manifest.engine, engine.vendor) == ("sqlite", "postgresql")
        if manifest.engine != engine.vendor and not across:
            raise BackupError(_(
                "备份的数据库是 %(archive)s，当前配置的是 %(target)s：不能直接恢复。"
                "在两种数据库之间迁移的办法见 README 的“Backup and restore”一节。"
            ) % {"archive": manifest.engine, "target": engine.vendor})
        if across:
            _check_across(manifest, engine, database)
        ENGINES[manifest.engine](database).check(staging / manifest.database)
        _check_can_swap(staging, media_root)
        if confirm is not None and not confirm(manifest):
            return None

        connections.close_all()  # ours would hold the database while it is replaced
        report(_("正在恢复数据库（%(name)s）……") % {"name": engine.describe()})
        if across:
            load_across(staging / manifest.database, progress=_Meter(report, _("恢复数据库"), unit=_(" 行"), every=100_000))
        else:
            engine.load(staging / manifest.database,
                        _Meter(report, _("恢复数据库"), unit=" B", every=64 * 1024 * 1024))
        report(_("正在恢复上传文件……"))
        _swap_media(staging, media_root)
        warnings = _restore_secret_key(staging / SECRET_KEY_NAME, data_dir)
        report(_("正在更新查询统计信息……"))
        engine.refresh_statistics()
        pending = migrations_pending(engine.applied_migrations())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(manifest=manifest, seconds=time.monotonic() - started, pending_migrations=pending,
                         warnings=warnings)


def _check_across(manifest: Manifest, engine, database: dict) -> None:
    """A SQLite archive into PostgreSQL: only into the configured database, both at this code's migrations."""
    if database != settings.DATABASES[DEFAULT_DB_ALIAS]:
        raise BackupError(_("SQLite 备份只能恢复到当前配置的 PostgreSQL 数据库（DATABASE_URL）。"))
    archived = {(app, name) for app, names in manifest.migrations.items() for name in names}
    if migrations_pending(archived):
        raise BackupError(_("这份 SQLite 备份来自较早的版本：请先在原系统上升级（guanjia migrate）后重新备份，再恢复到 PostgreSQL。"))
    if engine.applied_migrations() != archived:
        raise BackupError(_("目标 PostgreSQL 数据库的结构与备份不一致：请先对它运行 guanjia migrate，再恢复。"))


def _check_can_swap(staging: Path, media_root: Path) -> None:
    """Before the database is touched: the extracted files can take the media folder's place by a rename."""
    if media_root.exists() and (os.stat(media_root).st_dev != os.stat(staging).st_dev
                                or not os.access(media_root.parent, os.W_OK)):
        raise BackupError(_("无法替换上传文件目录 %(path)s（需与其上级目录在同一文件系统且可写）。") % {
            "path": media_root})


def _swap_media(staging: Path, media_root: Path) -> None:
    restored = staging / MEDIA_DIR
    restored.mkdir(exist_ok=True)  # an archive of a system without uploads
    replaced = staging / f"replaced-{uuid.uuid4().hex}"
    if media_root.exists():
        os.rename(media_root, replaced)  # deleted with the staging folder
    try:
        os.rename(restored, media_root)
    except OSError:
        if replaced.exists():
            os.rename(replaced, media_root)
        raise


def _restore_secret_key(key_file: Path, data_dir: Path) -> list[str]:
    """The archive's secret key goes where the settings read it when `GUANJIA_SECRET_KEY` is not set."""
    key = key_file.read_text().strip()
    target = env.secret_key_path(data_dir)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(key)
    os.replace(partial, target)
    configured = env.env_str("GUANJIA_SECRET_KEY")
    if configured and configured != key:
        return [_("GUANJIA_SECRET_KEY 与备份中的密钥不同：已登录的会话和已发出的签名链接将失效。"
                  "如需沿用，请把 GUANJIA_SECRET_KEY 设为 %(path)s 中的值。") % {"path": target}]
    return []
