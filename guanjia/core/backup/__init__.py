"""Backups an operator can trust: one archive with the database, the uploaded files, the secret key and a
manifest of checksums (`guanjia backup`), restored all or nothing (`guanjia restore`), and a nightly
backup that keeps the newest few (`guanjia.core.tasks`)."""

from guanjia.core.backup.archive import Manifest, archive_unpack
from guanjia.core.backup.errors import BackupError
from guanjia.core.backup.services import (
    BackupResult,
    RestoreResult,
    backup_create,
    backup_prune,
    backup_restore,
)

__all__ = [
    "BackupError", "BackupResult", "Manifest", "RestoreResult", "archive_unpack", "backup_create",
    "backup_prune", "backup_restore",
]
