"""`guanjia restore FILE [--noinput]`: put a `guanjia backup` archive back, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.backup import BackupError, Manifest, backup_restore
from guanjia.core.management.base import LocalizedCommand


class Command(LocalizedCommand):
    help = gettext_lazy(
        "用 guanjia backup 的归档替换当前数据库、上传文件和密钥：先校验全部内容，任何一步失败都不做改动。"
        "请先停止网站进程和后台任务（run_huey）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, metavar="FILE", help=_("备份归档文件。"))
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help=_("不询问确认。"))

    def handle(self, *args, archive: Path, interactive: bool, verbosity: int, **options):
        def progress(message: str) -> None:
            if verbosity:
                self.stdout.write(f"  {message}")
                self.stdout.flush()

        def confirm(manifest: Manifest) -> bool:
            if not interactive:
                return True
            self.stdout.write(_(
                "备份已通过校验：创建于 %(created)s，Guanjia %(version)s，%(engine)s 数据库，%(files)d 个上传文件。"
            ) % {"created": manifest.created, "version": manifest.guanjia_version, "engine": manifest.engine,
                 "files": len(manifest.media)})
            answer = input(_("当前数据库和上传文件将被备份中的内容替换，现有数据会丢失。输入 yes 继续：")).strip()
            return answer.lower() == "yes"

        try:
            result = backup_restore(archive, confirm=confirm, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result is None:
            self.stdout.write(_("已取消，未做任何改动。"))
            return
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if result.pending_migrations:
            self.stdout.write(self.style.WARNING(_(
                "备份来自较早的版本：还有 %(n)d 个迁移未应用，请运行 guanjia migrate。") % {"n": result.pending_migrations}))
        self.stdout.write(self.style.SUCCESS(_(
            "已从 %(path)s 恢复（备份创建于 %(created)s），%(files)d 个上传文件，用时 %(seconds).1f 秒。"
        ) % {"path": archive, "created": result.manifest.created, "files": len(result.manifest.media),
             "seconds": result.seconds}))
