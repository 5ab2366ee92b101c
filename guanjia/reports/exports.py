"""The request statistics as an Excel workbook (.xlsx): the overall figures, then one sheet per breakdown.

Rates are numbers formatted as percentages (so a reader can sum and chart them); each sheet's two header
rows (the period and the column names) stay in view while scrolling, and a breakdown's first column too.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from guanjia.reports.selectors import BREAKDOWNS, COUNTS, FIGURE_LABELS, FIGURES, RATES

COLUMNS = (*FIGURES, *COUNTS)
PERCENT = "0.0%"
# Excel refuses these characters in a sheet name, and names over 31 characters or ending in an apostrophe.
SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_MAX = 31


def sheet_title(label: str, taken: set[str]) -> str:
    """`label` as a sheet name Excel accepts and `taken` (casefolded, updated) does not hold yet.

    The sheet names are translated labels, which no translator should have to keep to Excel's rules.
    """
    base = SHEET_FORBIDDEN.sub("-", label).strip("'")[:SHEET_MAX].rstrip("'") or "-"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[:SHEET_MAX - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _cell(sheet, name: str, value):
    cell = WriteOnlyCell(sheet, value=value)
    if name in RATES:
        cell.number_format = PERCENT
    return cell


def request_stats_workbook(report: dict) -> bytes:
    """`report` is `selectors.request_stats_report(...)`; write-only, so large breakdowns stream.

    Its words are in the active language, as the page's; the sheets' too.
    """
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    period = _("统计区间：%(from)s 至 %(to)s（按受理日期；收到数与响应率按提出日期）") % {
        "from": report["from"].isoformat(), "to": report["to"].isoformat()}

    overall = workbook.create_sheet(sheet_title(_("总体"), taken))
    overall.freeze_panes = "A3"  # set before the first row: a write-only sheet writes its view first
    overall.append([period])
    overall.append([_("指标"), _("数值")])
    for name in COLUMNS:
        overall.append([str(FIGURE_LABELS[name]), _cell(overall, name, report["overall"][name])])

    for by, rows in report["breakdowns"].items():
        label = str(BREAKDOWNS[by].label)
        sheet = workbook.create_sheet(sheet_title(label, taken))
        sheet.freeze_panes = "B3"
        sheet.append([period])
        sheet.append([label, *(str(FIGURE_LABELS[name]) for name in COLUMNS)])
        for row in rows:
            sheet.append([row["label"], *(_cell(sheet, name, row[name]) for name in COLUMNS)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
