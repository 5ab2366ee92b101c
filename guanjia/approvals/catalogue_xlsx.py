"""The approval catalogue as an .xlsx (审批事项清单导出): the columns that the export writes and the import reads.

An export can be imported again as it is: limits as numbers, 清单 / 审批阶段 / 补正时计时 /
适用项目类型 by their Chinese labels, 可容缺受理 as 是 or 否, prerequisites (前置事项) by name joined
with “、”, materials one per line in their cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guanjia.approvals.choices import ApprovalStage, ListType, OnCorrection
from guanjia.approvals.models import ApprovalItem
from guanjia.projects.choices import ProjectType

SHEET_TITLE = "审批事项清单"
SEPARATOR = "、"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int
    synonyms: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "事项名称", 30, ("名称", "审批事项", "事项"), required=True),
    Column("code", "事项编码", 14, ("编码", "事项代码")),
    Column("list_type", "清单", 14, ("清单类型", "所属清单"), required=True),
    Column("stage", "审批阶段", 10, ("阶段",), required=True),
    Column("unit", "审批部门", 20, ("实施部门", "审批单位", "办理部门", "部门"), required=True),
    Column("statutory_days", "法定时限（工作日）", 12, ("法定时限", "法定办结时限"), required=True),
    Column("committed_days", "承诺时限（工作日）", 12, ("承诺时限", "承诺办结时限"), required=True),
    Column("prerequisites", "前置事项", 36, ("前置条件", "前置审批事项")),
    Column("tolerance_allowed", "可容缺受理", 10, ("容缺受理", "是否容缺")),
    Column("tolerance_days", "容缺补齐时限（工作日）", 12, ("容缺补齐时限", "容缺时限")),
    Column("on_correction", "补正时计时", 20, ("补正", "补正计时")),
    Column("project_types", "适用项目类型", 24, ("项目类型",)),
    Column("materials", "申请材料", 48, ("材料", "所需材料", "申报材料")),
    Column("order", "排序", 8, ("序号排序",)),
)
BY_FIELD = {c.field: c for c in COLUMNS}

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _clean(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _cell(sheet, value: Any, *, wrap: bool = False) -> WriteOnlyCell:
    """A cell whose text stays text ("=…" is no formula)."""
    cell = WriteOnlyCell(sheet, value=_clean(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if wrap:
        cell.alignment = _WRAP
    return cell


def row_values(item: ApprovalItem) -> list[Any]:
    """An item as one row of COLUMNS (its prerequisites and unit must be loaded with it)."""
    return [
        item.name,
        item.code,
        str(ListType(item.list_type).label),
        str(ApprovalStage(item.stage).label),
        item.unit.name,
        item.statutory_days,
        item.committed_days,
        SEPARATOR.join(p.name for p in sorted(item.prerequisites.all(), key=lambda p: (p.order, p.pk))),
        "是" if item.tolerance_allowed else "否",
        item.tolerance_days,
        str(OnCorrection(item.on_correction).label),
        SEPARATOR.join(str(ProjectType(t).label) for t in item.project_types if t in ProjectType.values),
        item.materials,
        item.order,
    ]


def write_catalogue(rows: Iterable[Sequence[Any]], *, instructions: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    wrapped = {"prerequisites", "materials"}
    for row in rows:
        sheet.append([_cell(sheet, value, wrap=column.field in wrapped)
                      for column, value in zip(COLUMNS, row, strict=True)])
    if instructions:
        _write_instructions(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalogue_export(*, queryset) -> bytes:
    """The items of `queryset` (already limited to what the caller sees) as an .xlsx that the import reads back.
    Three queries whatever the number of items (items with units, prerequisites)."""
    items = queryset.select_related("unit").prefetch_related("prerequisites").order_by(
        "list_type", "stage", "order", "pk")
    return write_catalogue(row_values(item) for item in items)


def _labels(choices) -> str:
    return SEPARATOR.join(str(label) for _value, label in choices)


def _write_instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(_("填写说明"))
    for letter, width in zip("ABC", (22, 8, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_("列名"), _("必填"), _("填写说明")])
    notes = {
        "name": _("本园区清单内唯一；与已有事项同名时更新该事项。"),
        "list_type": _labels(ListType.choices),
        "stage": _labels(ApprovalStage.choices),
        "unit": _("本园区单位的名称。"),
        "statutory_days": _("1–365 的整数。"),
        "committed_days": _("1–365 的整数，不超过法定时限。"),
        "prerequisites": _("其他事项的名称，多个用“、”分隔；可以是本文件中的事项。不能形成循环。"),
        "tolerance_allowed": _("是 或 否（不填为否）。"),
        "tolerance_days": _("可容缺受理时必填，否则不填。"),
        "on_correction": _labels(OnCorrection.choices),
        "project_types": _("%(types)s，多个用“、”分隔；不填表示全部类型。") % {"types": _labels(ProjectType.choices)},
        "materials": _("每行一项。"),
        "order": _("整数，清单内的排列顺序。"),
    }
    for column in COLUMNS:
        sheet.append([column.header, _("是") if column.required else "", notes.get(column.field, "")])
    sheet.append([])
    sheet.append([_("任何一行有错误时整个文件都不会导入。")])


def catalogue_template() -> bytes:
    return write_catalogue([], instructions=True)
