"""The promotion table as a zone prints it (.xlsx), and reading it back.

Layout: a title row; a header row; per project a merged header row (项目 · 企业 · 管家 · 阶段 · 编号), then
one row per work item: 编号, 阶段, 推进事项, 责任人, 责任单位, 完成时限, 状态, 完成日期, 进展情况.
Reading it back changes what the file says (name, people, due date, progress, a completion) through the
services, adds the rows without 编号, all or nothing: any bad row and nothing is written, each error naming
its row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from guanjia.core.errors import Conflict
from guanjia.org.models import Unit, User
from guanjia.projects.choices import Stage
from guanjia.promotion import colours, selectors, services
from guanjia.promotion.choices import WORK_ITEM_OPEN, Colour, TableAction, WorkItemStatus
from guanjia.promotion.models import PromotionTable, WorkItem
from guanjia.workflow import timeline

COLUMNS = ["编号", "阶段", "推进事项", "责任人", "责任单位", "完成时限", "状态", "完成日期", "进展情况"]
WIDTHS = [8, 8, 40, 10, 18, 12, 10, 12, 40]
PROJECT_MARK = "项目："
FILLS = {Colour.RED: "F8D7DA", Colour.YELLOW: "FFF3CD", Colour.GREEN: "D1E7DD", Colour.DONE: "E2E3E5"}
ID_RE = re.compile(r"（促建表编号\s*(\d+)）")
THIN = Side(style="thin", color="999999")


def _text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))


def tables_workbook(*, tables, user, title: str) -> bytes:
    """The tables (with their work items the user sees) as one sheet in the printed layout."""
    now = timezone.now()
    tables = list(tables.select_related("project__enterprise", "project__butler"))
    rows = {}
    for item in (WorkItem.objects.visible_to(user).filter(table__in=[t.pk for t in tables])
                 .select_related("responsible", "unit", "item").order_by("table", *selectors.IN_STAGE_ORDER)):
        rows.setdefault(item.table_id, []).append(item)
    book = Workbook()
    sheet = book.active
    sheet.title = _("促建表")
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_(c) for c in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for table in tables:
        project = table.project
        header = (f"{PROJECT_MARK}{_text(project.name)}　{_('企业')}：{_text(project.enterprise.name)}　"
                  f"{_('管家')}：{_text(project.butler or '—')}　{_('阶段')}：{project.get_stage_display()}"
                  f"（促建表编号 {table.pk}）")
        sheet.append([header])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        sheet.cell(row=row, column=1).font = Font(bold=True)
        sheet.cell(row=row, column=1).fill = PatternFill("solid", fgColor="CFE2FF")
        for item in rows.get(table.pk, []):
            colour = colours.work_item_colour(status=item.status, due_at=item.due_at, warn_at=item.item.warn_at,
                                              now=now)
            responsible = selectors.shown_person(user, item.responsible, project.butler_id)
            sheet.append([item.pk, str(Stage(item.stage).label), _text(item.name), _text(responsible or ""),
                          _text(item.unit or ""), item.due_on, item.get_status_display(), item.done_on,
                          _text(item.progress_note)])
            current = sheet.max_row
            for column in (6, 8):
                sheet.cell(row=current, column=column).number_format = "yyyy-mm-dd"
            if colour in FILLS:
                sheet.cell(row=current, column=6).fill = PatternFill("solid", fgColor=FILLS[colour])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- reading it back -------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    updated: int = 0
    added: int = 0
    completed: int = 0


def _date(value, column: str, errors: list, row: int) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(_("第 %(row)d 行“%(column)s”：不是日期（应为 YYYY-MM-DD）。") % {"row": row, "column": column})
        return None


def tables_import(*, actor, content: bytes) -> ImportResult:
    """Read a promotion-table workbook back, all or nothing: ValidationError lists every bad row and column."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable upload is the same answer to the person
        raise ValidationError({"file": [_("无法读取该文件，请上传从本系统导出的 .xlsx 促建表。")]}) from error
    sheet = book.worksheets[0]
    stage_by_label = {str(s.label): s.value for s in Stage}
    staff = {u.name: u for u in User.objects.visible_to(actor).filter(is_active=True, enterprise__isnull=True)}
    unit_by_name = {u.name: u for u in Unit.objects.visible_to(actor)}
    errors: list[str] = []
    result = ImportResult()
    with transaction.atomic():
        table, touched = None, set()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(values) + [None] * (len(COLUMNS) - len(values))
            first = values[0]
            if number <= 2 or all(v in (None, "") for v in values):
                continue
            if isinstance(first, str) and first.startswith(PROJECT_MARK):
                match = ID_RE.search(first)
                table = None
                if match:
                    table = (PromotionTable.objects.visible_to(actor).select_related("project")
                             .filter(pk=int(match.group(1))).first())
                if table is None:
                    errors.append(_("第 %(row)d 行：找不到该项目的促建表（或无权查看）。") % {"row": number})
                elif not actor.has_perm("promotion.manage_table", table):
                    errors.append(_("第 %(row)d 行：您不能修改该项目的促建表。") % {"row": number})
                    table = None
                continue
            if table is None:
                errors.append(_("第 %(row)d 行：推进事项前须有项目标题行。") % {"row": number})
                continue
            try:
                _import_row(actor=actor, table=table, number=number, values=values, staff=staff,
                            units=unit_by_name, stages=stage_by_label, errors=errors, result=result)
                touched.add(table)
            except (ValidationError, Conflict, PermissionDenied) as error:
                errors.append(_row_message(number, error))
        if errors:
            transaction.set_rollback(True)
            raise ValidationError({"file": errors})
        for table in touched:
            timeline.record(item_id=table.item_id, actor=actor, action=TableAction.IMPORT, to_status=table.status,
                            data={"updated": result.updated, "added": result.added})
    return result


def _row_message(number: int, error) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        parts = []
        for field, messages in error.message_dict.items():
            column = {"name": "推进事项", "due_on": "完成时限", "done_on": "完成日期", "responsible": "责任人",
                      "unit": "责任单位", "stage": "阶段"}.get(field, field)
            parts.append(f"“{_(column)}”：{'；'.join(messages)}")
        return _("第 %(row)d 行") % {"row": number} + " " + "；".join(parts)
    message = getattr(error, "message", None) or "；".join(getattr(error, "messages", [])) or str(error) or _("无权操作")
    return _("第 %(row)d 行：%(message)s") % {"row": number, "message": message}


def _import_row(*, actor, table, number: int, values: list, staff: dict, units: dict, stages: dict, errors: list,
                result: ImportResult) -> None:
    pk, stage_label, name, person, unit_name, due, _status, done, note = values[:9]
    mistakes: list[str] = []
    due_on = _date(due, _("完成时限"), mistakes, number)
    done_on = _date(done, _("完成日期"), mistakes, number)
    responsible = staff.get(str(person).strip()) if person not in (None, "") else None
    if person not in (None, "") and responsible is None:
        mistakes.append(_("第 %(row)d 行“责任人”：本园区没有名为“%(name)s”的工作人员。") % {"row": number, "name": person})
    unit = units.get(str(unit_name).strip()) if unit_name not in (None, "") else None
    if unit_name not in (None, "") and unit is None:
        mistakes.append(_("第 %(row)d 行“责任单位”：本园区没有名为“%(name)s”的单位。") % {"row": number, "name": unit_name})
    stage = stages.get(str(stage_label or "").strip())
    if stage is None:
        mistakes.append(_("第 %(row)d 行“阶段”：应为 签约、供地、开工、竣工、投产、达效 之一。") % {"row": number})
    if mistakes:
        errors.extend(mistakes)
        return
    if pk in (None, ""):
        work_item = services.work_item_add(actor=actor, table=table, stage=stage, name=str(name or ""), due_on=due_on,
                                           responsible=responsible, unit=unit)
        result.added += 1
    else:
        work_item = WorkItem.objects.filter(table=table, pk=_int(pk)).first()
        if work_item is None:
            errors.append(_("第 %(row)d 行“编号”：该项目没有编号为 %(pk)s 的推进事项。") % {"row": number, "pk": pk})
            return
        if work_item.status in WORK_ITEM_OPEN:
            changes = {"name": str(name or "").strip(), "responsible": responsible, "unit": unit,
                       "progress_note": str(note or "")}
            if due_on != work_item.due_on:
                changes["due_on"] = due_on
            if any(getattr(work_item, f) != v for f, v in changes.items()):
                work_item = services.work_item_update(actor=actor, work_item=work_item, **changes)
                result.updated += 1
    if done_on is not None and work_item.status in WORK_ITEM_OPEN:
        services.work_item_complete(actor=actor, work_item=work_item, done_on=done_on)
        result.completed += 1
    elif done_on is None and work_item.status == WorkItemStatus.DONE:
        errors.append(_("第 %(row)d 行“完成日期”：已完成的推进事项不能在导入时清除完成日期，请在页面上“重新打开”。")
                      % {"row": number})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
