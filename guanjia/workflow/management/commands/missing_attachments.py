"""`guanjia missing_attachments`: the attachments whose files are missing; exit status 1 when there are any."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.management.base import LocalizedCommand
from guanjia.workflow.attachments import attachments_missing


class Command(LocalizedCommand):
    help = gettext_lazy(
        "列出文件已丢失的附件（编号、所属事项、文件名、存储路径）；有缺失时以状态 1 退出。"
        "缺失的文件可从备份（guanjia restore）或原件补回。"
    )

    def handle(self, *args, **options):
        missing = 0
        for attachment in attachments_missing():
            if not missing:
                self.stdout.write("\t".join([_("附件"), _("事项"), _("文件名"), _("路径")]))
            item = attachment.item
            self.stdout.write("\t".join([
                str(attachment.pk), item.number or f"{item.kind}#{item.pk}", attachment.name, attachment.file.name,
            ]))
            missing += 1
        if missing:
            raise CommandError(_("%(n)d 个附件的文件缺失。") % {"n": missing}, returncode=1)
        self.stdout.write(self.style.SUCCESS(_("所有附件的文件都在。")))
