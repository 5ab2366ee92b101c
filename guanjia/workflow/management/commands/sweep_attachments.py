"""`guanjia sweep_attachments [--hours N] [--dry-run]`: the nightly sweep of orphaned attachment files, by hand."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.management.base import LocalizedCommand
from guanjia.workflow.attachments import sweep_orphans


class Command(LocalizedCommand):
    help = gettext_lazy("删除未被任何附件记录引用的附件文件（失败的操作留下的文件；每晚自动运行）。")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24,
                            help=_("只删除早于此小时数的文件（默认 24，以免删除正在提交的文件）。"))
        parser.add_argument("--dry-run", action="store_true", help=_("只列出，不删除。"))

    def handle(self, *args, hours: int, dry_run: bool, **options):
        if hours < 1:
            raise CommandError(_("--hours 至少为 1。"))
        result = sweep_orphans(older_than=dt.timedelta(hours=hours), dry_run=dry_run)
        for name in result.deleted:
            self.stdout.write(name)
        message = (_("检查文件 %(checked)d 个，未被引用的 %(orphans)d 个（未删除）。") if dry_run
                   else _("检查文件 %(checked)d 个，删除未被引用的 %(orphans)d 个。"))
        self.stdout.write(self.style.SUCCESS(message % {"checked": result.checked, "orphans": len(result.deleted)}))
