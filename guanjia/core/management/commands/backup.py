"""`guanjia backup [--output FILE]`: one archive of the database, the uploaded files and the secret key."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.backup import BackupError, backup_create
from guanjia.core.management.base import LocalizedCommand


class Command(LocalizedCommand):
    help = gettext_lazy(
        "把数据库、上传文件和密钥写入一个备份归档（含带校验和的清单）；用 guanjia restore 恢复。"
        "归档含密钥，请妥善保管。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None, metavar="FILE",
            help=_("归档文件（或存放它的目录）；默认写入备份目录 GUANJIA_BACKUP_DIR，文件名含时间。"),
        )

    def handle(self, *args, output: Path | None, verbosity: int, **options):
        def progress(message: str) -> None:
            if verbosity:
                self.stdout.write(f"  {message}")
                self.stdout.flush()

        try:
            result = backup_create(output=output, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(_(
            "已写入备份 %(path)s：%(engine)s 数据库、%(files)d 个上传文件，共 %(mb).1f MB（未压缩），用时 %(seconds).1f 秒。"
        ) % {"path": result.path, "engine": manifest.engine, "files": len(manifest.media),
             "mb": manifest.size / 1024 / 1024, "seconds": result.seconds}))
