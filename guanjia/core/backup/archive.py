"""The backup archive: one gzip'd tar holding the database dump, the uploaded files, the secret key and a
manifest that lists every other member with its size and SHA-256.

    database/guanjia.sqlite3 | database/guanjia.pgdump
    settings/secret_key
    media/<path under MEDIA_ROOT> …
    manifest.json                  (last: the checksums are taken while the members are written)

Reading verifies as it extracts: a member the manifest does not name, a size or checksum that differs,
a named file that is missing, or a path that would land outside the folder refuses the whole archive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.backup.errors import BackupError

FORMAT = "guanjia-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SECRET_KEY_NAME = "settings/secret_key"
MEDIA_DIR = "media"
TOP_LEVEL = {"database", "settings", MEDIA_DIR}
CHUNK = 1024 * 1024


@dataclass
class Manifest:
    """What an archive holds and where it comes from: enough to refuse it before anything is touched."""

    created_at: str
    guanjia_version: str
    engine: str  # "sqlite" or "postgresql"
    database: str  # the member holding the dump
    migrations: dict[str, list[str]]  # app label → names of its applied migrations
    files: list[dict] = field(default_factory=list)  # {"path", "size", "sha256"} of every other member
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            if not isinstance(raw.get("format_version"), int):
                raise ValueError("format_version")
            if raw["format_version"] > FORMAT_VERSION:
                raise BackupError(_("备份格式版本 %(version)s 比本程序新，请先升级 Guanjia。") % {
                    "version": raw["format_version"]})
            manifest = cls(**{name: raw[name] for name in cls.__dataclass_fields__})
            files = [(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in manifest.files]
            migrations = [(str(app), str(name)) for app, names in manifest.migrations.items() for name in names]
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(_("备份清单（manifest.json）无效：%(error)s") % {"error": error}) from error
        if not files or not migrations:
            raise BackupError(_("备份清单（manifest.json）无效：%(error)s") % {"error": "files, migrations"})
        return manifest

    @property
    def created(self) -> str:
        """When the archive was made, in local time (the manifest keeps it in UTC)."""
        try:
            return f"{timezone.localtime(dt.datetime.fromisoformat(self.created_at)):%Y-%m-%d %H:%M:%S}"
        except ValueError:
            return self.created_at

    @property
    def media(self) -> list[dict]:
        return [f for f in self.files if f["path"].startswith(MEDIA_DIR + "/")]

    @property
    def size(self) -> int:
        return sum(f["size"] for f in self.files)


class _Hashing:
    """A file read through while its SHA-256 is taken: what tarfile writes is what was hashed."""

    def __init__(self, stream):
        self.stream, self.sha256, self.read_bytes = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.read_bytes += len(data)
        return data


class ArchiveWriter:
    """Writes an archive under a temporary name, readable by its owner only (it holds the secret key),
    and gives it its name only once complete."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = os.fdopen(os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
        self.tar = tarfile.open(  # noqa: SIM115  (closed by finish or, on any failure, by __exit__)
            fileobj=self.file, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT)
        self.files: list[dict] = []

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.abort()

    def add_path(self, name: str, path: Path) -> bool:
        """Add a file; False if it went away meanwhile (an attachment deleted while the backup ran)."""
        try:
            stream = path.open("rb")
        except FileNotFoundError:
            return False
        with stream:
            stat = os.fstat(stream.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = stat.st_size, stat.st_mtime, 0o600
            reader = _Hashing(stream)
            self.tar.addfile(info, reader)
        self.files.append({"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()})
        return True

    def add_bytes(self, name: str, data: bytes, *, listed: bool = True) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        if listed:
            self.files.append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})

    def finish(self, manifest: Manifest) -> None:
        manifest.files = self.files
        self.add_bytes(MANIFEST_NAME, manifest.to_json(), listed=False)
        self.tar.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        for closing in (self.tar.close, self.file.close):
            with contextlib.suppress(OSError, tarfile.TarError):
                closing()
        self.partial.unlink(missing_ok=True)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (not path.is_absolute() and ".." not in path.parts and len(path.parts) >= 1
            and (name == MANIFEST_NAME or (len(path.parts) >= 2 and path.parts[0] in TOP_LEVEL)))


def archive_unpack(path: Path, into: Path, *, progress: Callable[[int, int | None], None] | None = None) -> Manifest:
    """Extract the archive at `path` into the folder `into` and verify it against its manifest.

    Raises BackupError, with the first problems found, for anything but an intact archive.
    """
    progress = progress or (lambda done, total: None)
    found: dict[str, tuple[int, str]] = {}
    manifest_data = None
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name) or member.name in found:
                    raise BackupError(_("备份中有不应出现的内容：%(name)s") % {"name": member.name})
                source = tar.extractfile(member)
                if member.name == MANIFEST_NAME:
                    manifest_data = source.read(10 * CHUNK)
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = _Hashing(source)
                with open(target, "wb") as out:
                    shutil.copyfileobj(reader, out, CHUNK)
                os.utime(target, (member.mtime, member.mtime))
                found[member.name] = (reader.read_bytes, reader.sha256.hexdigest())
                progress(len(found), None)
    except FileNotFoundError as error:
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": path}) from error
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(_("备份文件已损坏或不是 Guanjia 备份：%(error)s") % {"error": error}) from error
    if manifest_data is None:
        raise BackupError(_("备份中没有清单（manifest.json），不是 Guanjia 备份。"))
    manifest = Manifest.from_json(manifest_data)
    expected = {f["path"]: (f["size"], f["sha256"]) for f in manifest.files}
    problems = sorted(
        [_("%(name)s 校验和不符") % {"name": name} for name in found.keys() & expected.keys()
         if found[name] != expected[name]]
        + [_("%(name)s 缺失") % {"name": name} for name in expected.keys() - found.keys()]
        + [_("%(name)s 不在清单中") % {"name": name} for name in found.keys() - expected.keys()]
    )
    if manifest.database not in expected:
        problems.append(_("%(name)s 缺失") % {"name": manifest.database})
    if problems:
        shown = "；".join(problems[:5]) + ("……" if len(problems) > 5 else "")
        raise BackupError(_("备份未通过校验，未做任何改动：%(problems)s") % {"problems": shown})
    return manifest
