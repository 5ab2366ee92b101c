"""The projects statistics as an Excel workbook (.xlsx): the targets with their 双过半 mark, the stage funnel and
the year's months of investment. Rates are numbers formatted as percentages, so a reader can chart them."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from guanjia.reports.exports import sheet_title

PERCENT = "0.0%"


def _rate(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = PERCENT
    return cell


def project_stats_workbook(stats: dict, rows: list[dict]) -> bytes:
    """`stats` is `selectors.project_stats(...)`, `rows` its targets as the page lists them."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    heading = _("%(year)s 年度项目统计") % {"year": stats["year"]}

    sheet = workbook.create_sheet(sheet_title(_("目标完成"), taken))
    sheet.freeze_panes = "B3"
    sheet.append([heading])
    sheet.append([_("指标"), _("目标值"), _("完成值"), _("完成进度"), _("上半年完成值"), _("上半年进度"),
                  _("双过半")])
    for row in rows:
        half = row.get("half")
        sheet.append([row["label"], row["target"], row["actual"], _rate(sheet, row["progress"]),
                      half["actual"] if half else None, _rate(sheet, half["progress"] if half else None),
                      (_("已过半") if half["met"] else _("未过半")) if half else None])
    sheet.append([])
    sheet.append([_("签约项目（当年）"), stats["agreements_received"]])
    sheet.append([_("其中已开工"), stats["agreements_started"]])
    sheet.append([_("签约项目开工率"), _rate(sheet, stats["agreement_start_rate"])])
    key = stats["key_projects"]
    sheet.append([_("重点项目（个）"), key["count"]])
    sheet.append([_("重点项目总投资（万元）"), key["total_investment"]])
    sheet.append([_("重点项目年度计划投资（万元）"), key["plan"]])
    sheet.append([_("重点项目本年完成投资（万元）"), key["completed"]])

    funnel = workbook.create_sheet(sheet_title(_("阶段分布"), taken))
    funnel.append([heading])
    funnel.append([_("阶段"), _("当前处于该阶段"), _("已达到该阶段")])
    for row in stats["funnel"]:
        funnel.append([row["label"], row["current"], row["reached"]])

    months = workbook.create_sheet(sheet_title(_("月度投资"), taken))
    months.append([heading])
    months.append([_("月份"), _("当月完成投资（万元）"), _("累计完成投资（万元）"), _("计划进度（万元）")])
    for row in stats["investment"]["months"]:
        months.append([row["month"], row["completed"], row["cumulative"], row["plan_cumulative"]])
    months.append([_("年度计划投资（万元）"), stats["investment"]["plan"]])
    months.append([_("年度计划完成率"), _rate(months, stats["investment"]["completion"])])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
