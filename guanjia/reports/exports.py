"""The request statistics as an Excel workbook (.xlsx): the overall figures, then one sheet per breakdown."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from guanjia.reports.selectors import BREAKDOWNS, COUNTS, FIGURE_LABELS, FIGURES, RATES

COLUMNS = (*FIGURES, *COUNTS)
PERCENT = "0.0%"


def _cell(sheet, name: str, value):
    cell = WriteOnlyCell(sheet, value=value)
    if name in RATES:
        cell.number_format = PERCENT
    return cell


def request_stats_workbook(report: dict) -> bytes:
    """`report` is `selectors.request_stats_report(...)`; write-only, so large breakdowns stream."""
    workbook = Workbook(write_only=True)
    period = _("统计区间：%(from)s 至 %(to)s（按受理日期；收到数与响应率按提出日期）") % {
        "from": report["from"].isoformat(), "to": report["to"].isoformat()}

    overall = workbook.create_sheet(_("总体"))
    overall.append([period])
    overall.append([_("指标"), _("数值")])
    for name in COLUMNS:
        overall.append([str(FIGURE_LABELS[name]), _cell(overall, name, report["overall"][name])])

    for by, rows in report["breakdowns"].items():
        label = str(BREAKDOWNS[by].label)
        sheet = workbook.create_sheet(label)
        sheet.append([period])
        sheet.append([label, *(str(FIGURE_LABELS[name]) for name in COLUMNS)])
        for row in rows:
            sheet.append([row["label"], *(_cell(sheet, name, row[name]) for name in COLUMNS)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
