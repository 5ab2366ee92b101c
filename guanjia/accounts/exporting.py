"""The sign-in log as .xlsx: the filtered rows, newest first, times in the zone's time zone."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guanjia.accounts.choices import Channel, Outcome

# A year of sign-ins of a large zone is well under this; more is cut with a note rather than run out of memory.
MAX_ROWS = 200_000


def sign_in_log_workbook(queryset) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("登录日志"))
    sheet.freeze_panes = "A2"
    sheet.append([_("时间"), _("账号"), _("姓名"), _("结果"), _("渠道"), _("来源地址"), _("操作人"), _("说明")])
    outcomes, channels = dict(Outcome.choices), dict(Channel.choices)
    rows = queryset.values_list(
        "at", "username", "user__name", "outcome", "channel", "address", "actor__username", "detail")
    for written, (at, username, name, outcome, channel, address, actor, detail) in enumerate(
            rows.iterator(chunk_size=2000)):
        if written == MAX_ROWS:
            sheet.append([_("仅导出前 %(n)d 条，请缩小筛选范围。") % {"n": MAX_ROWS}])
            break
        sheet.append([
            timezone.localtime(at).replace(tzinfo=None, microsecond=0), username, name or "",
            str(outcomes.get(outcome, outcome)), str(channels.get(channel, channel)), address or "",
            actor or "", detail,
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
