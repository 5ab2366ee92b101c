"""Importing the approval catalogue (审批事项清单导入) from an .xlsx: all or nothing, every problem by row and column.

`catalogue_parse(zone=…, file=…)` reads and checks the whole file and never writes;
`catalogue_import(actor=…, zone=…, file=…)` checks again and writes every row or none (raises
`CatalogueInvalid`). A row whose 事项名称 is already in the zone's catalogue updates that item; others
are added. Prerequisites (前置事项) are named, and may name rows of the same file; a cycle across the
file and the catalogue is refused with the cycle named. Each row is checked by the same rules as a
single item (services.catalogue.item_errors), with a fixed number of queries for the whole file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.approvals.catalogue_xlsx import BY_FIELD, COLUMNS
from guanjia.approvals.choices import ApprovalStage, ListType, OnCorrection
from guanjia.approvals.graph import find_cycle, rotate
from guanjia.approvals.models import ApprovalItem
from guanjia.approvals.services.catalogue import EDITABLE_FIELDS, _lock_catalogue, cycle_message, item_errors
from guanjia.core.audit import audit_context
from guanjia.core.choices import AuditSource
from guanjia.core.text import listed
from guanjia.enterprises.importing.reading import (
    _check_container,
    _FileProblem,
    _fold,
    _header_key,
    _read_bytes,
    _text,
)
from guanjia.enterprises.importing.results import RowError
from guanjia.org.models import Unit
from guanjia.projects.choices import ProjectType

MAX_ROWS = 2000
_HEADER_SCAN_ROWS = 10
_INDEX = {_header_key(name): c.field for c in COLUMNS for name in (c.header, *c.synonyms)}
_SPLIT = re.compile(r"[、；;\n]+")
_YES = {"是", "可", "允许", "y", "yes", "true", "1", "√"}
_NO = {"否", "不可", "不允许", "n", "no", "false", "0", ""}
_CORRECTION_WORDS = {"暂停": OnCorrection.PAUSE, "暂停计时": OnCorrection.PAUSE,
                     "重新计时": OnCorrection.RESTART, "重新": OnCorrection.RESTART}


@dataclass
class CataloguePreview:
    """What an import would do: `rows` (row_number, action "create"/"update"/"unchanged"/"error", name,
    unit, list, stage, limits), every error and warning, and the counts."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass
class CatalogueResult:
    created: int
    updated: int
    unchanged: int


class CatalogueInvalid(ValidationError):
    """The file has errors, so nothing was written; `preview` holds them all."""

    def __init__(self, preview: CataloguePreview):
        self.preview = preview
        messages = [str(e) for e in preview.errors[:100]] or [_("清单有误，未导入。")]
        super().__init__(messages, code="catalogue")


@dataclass
class _Row:
    number: int
    raw: dict[str, str]
    item: ApprovalItem | None = None
    prerequisites: list[str] = field(default_factory=list)  # names, as the file writes them (folded)
    errors: list[RowError] = field(default_factory=list)
    action: str = "create"


def _read(file) -> tuple[dict[str, str], list[tuple[int, dict[str, str]]]]:
    """(field → header as written, [(Excel row number, field → cell text)])."""
    from openpyxl import load_workbook

    data = _read_bytes(file)
    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise _FileProblem(_("无法读取该文件：文件可能已损坏，或不是 .xlsx 工作簿。")) from None
    try:
        sheets = [s for s in workbook.worksheets if hasattr(s, "iter_rows")]
        preferred = [s for s in sheets if s.title == "审批事项清单"]
        for sheet in preferred + [s for s in sheets if s not in preferred]:
            sheet.reset_dimensions()
            head = list(islice(sheet.iter_rows(min_row=1, max_col=60, values_only=True), _HEADER_SCAN_ROWS))
            for index, values in enumerate(head):
                positions = {}
                headers = {}
                for position, value in enumerate(values):
                    found = _INDEX.get(_header_key(_text(value))) if value is not None else None
                    if found and found not in positions:
                        positions[found] = position
                        headers[found] = _text(value)
                if "name" in positions:
                    return headers, _rows(sheet, index + 1, positions)
        raise _FileProblem(_("未找到表头：第一行应为列名（%(headers)s）。")
                           % {"headers": listed(c.header for c in COLUMNS if c.required)})
    finally:
        workbook.close()


def _rows(sheet, header_row: int, positions: dict[str, int]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    width = max(positions.values()) + 1
    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True),
                                    start=header_row + 1):
        cells = {f: _text(values[p]) if p < len(values) else "" for f, p in positions.items()}
        if not any(cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise _FileProblem(_("数据行超过 %(max)d 行。") % {"max": MAX_ROWS})
        rows.append((number, cells))
    return rows


def _choice(text: str, choices, words: dict | None = None) -> str | None:
    key = _fold(text)
    for value, label in choices:
        if key in (value, _fold(str(label))):
            return value
    return (words or {}).get(key)


def _integer(text: str) -> int | None:
    try:
        number = float(_fold(text))
    except ValueError:
        return None
    return int(number) if number.is_integer() and abs(number) < 32768 else None


class _Checker:
    def __init__(self, *, zone, headers: dict[str, str], rows: list[tuple[int, dict[str, str]]]):
        self.zone = zone
        self.headers = headers
        self.preview = CataloguePreview()
        self.rows = [_Row(number, {c.field: raw.get(c.field, "") for c in COLUMNS}) for number, raw in rows]
        self.given = set(headers)
        # The zone's catalogue and units: three queries for the whole file.
        self.units = {}
        for unit in Unit.objects.filter(zone=zone):
            self.units.setdefault(_fold(unit.name), unit)
        self.existing = {_fold(i.name): i for i in ApprovalItem.objects.filter(zone=zone).select_related("unit")}
        by_pk = {i.pk: key for key, i in self.existing.items()}
        self.graph: dict[str, list[str]] = {key: [] for key in self.existing}
        through = ApprovalItem.prerequisites.through
        for item_id, prerequisite_id in (through.objects.filter(from_approvalitem__zone=zone)
                                         .order_by("pk").values_list("from_approvalitem_id", "to_approvalitem_id")):
            self.graph[by_pk[item_id]].append(by_pk[prerequisite_id])

    def header(self, field_name: str) -> str:
        if field_name not in BY_FIELD:
            return ""
        return self.headers.get(field_name) or BY_FIELD[field_name].header

    def error(self, row: _Row, field_name: str, message: str) -> None:
        row.errors.append(RowError(row.number, self.header(field_name), message))

    def check(self) -> list[_Row]:
        missing = [c.header for c in COLUMNS if c.required and c.field not in self.given]
        if missing:
            self.preview.errors.append(RowError(None, "", _("缺少必填列：%(columns)s。") % {"columns": listed(missing)}))
            return []
        seen: dict[str, int] = {}
        for row in self.rows:
            key = _fold(row.raw["name"])
            if key and key in seen:
                self.error(row, "name", _("与第%(first)d行的事项名称重复。") % {"first": seen[key]})
                continue
            if key:
                seen[key] = row.number
            self._check_row(row)
        self._check_prerequisites(seen)
        for row in self.rows:
            self.preview.errors.extend(row.errors)
            if row.errors:
                row.action = "error"
            elif row.action == "create":
                self.preview.new += 1
            elif row.action == "update":
                self.preview.updated += 1
            else:
                self.preview.unchanged += 1
            self.preview.rows.append(self._display(row))
        return self.rows

    def _check_row(self, row: _Row) -> None:
        raw = row.raw
        name = raw["name"].strip()
        if not name:
            self.error(row, "name", _("请填写事项名称。"))
            return
        current = self.existing.get(_fold(name))
        values: dict[str, Any] = {"name": current.name if current else name, "code": raw["code"]}
        for field_name, choices, words in (("list_type", ListType.choices, None),
                                           ("stage", ApprovalStage.choices, None),
                                           ("on_correction", OnCorrection.choices, _CORRECTION_WORDS)):
            text = raw[field_name]
            if not text and field_name == "on_correction":
                values[field_name] = OnCorrection.PAUSE
                continue
            value = _choice(text, choices, words)
            if value is None:
                self.error(row, field_name, (_("请填写%(column)s（%(labels)s）。") if not text else
                                             _("无法识别“%(value)s”：请填写%(labels)s之一。"))
                           % {"column": self.header(field_name), "value": text,
                              "labels": listed(str(label) for _v, label in choices)})
            values[field_name] = value
        unit = self.units.get(_fold(raw["unit"]))
        if not raw["unit"]:
            self.error(row, "unit", _("请填写审批部门。"))
        elif unit is None:
            self.error(row, "unit", _("本园区没有名为“%(name)s”的单位。") % {"name": raw["unit"]})
        elif unit.is_archived:
            self.error(row, "unit", _("单位“%(name)s”已归档。") % {"name": unit.name})
        values["unit"] = unit
        for field_name, required in (("statutory_days", True), ("committed_days", True),
                                     ("tolerance_days", False), ("order", False)):
            text = raw[field_name]
            if not text:
                if required:
                    self.error(row, field_name, _("请填写%(column)s。") % {"column": self.header(field_name)})
                values[field_name] = None if field_name == "tolerance_days" else (0 if field_name == "order" else None)
                continue
            number = _integer(text)
            if number is None:
                self.error(row, field_name, _("“%(value)s”不是整数。") % {"value": text})
            values[field_name] = number
        tolerance = _fold(raw["tolerance_allowed"]).lower()
        if tolerance in _YES:
            values["tolerance_allowed"] = True
        elif tolerance in _NO:
            values["tolerance_allowed"] = False
        else:
            self.error(row, "tolerance_allowed", _("请填写“是”或“否”。"))
            values["tolerance_allowed"] = bool(raw["tolerance_days"])
        types, unknown = [], []
        for word in (w for w in _SPLIT.split(raw["project_types"]) if w.strip()):
            value = _choice(word, ProjectType.choices)
            (types if value else unknown).append(value or word)
        if unknown:
            self.error(row, "project_types", _("未知的项目类型：%(types)s。") % {"types": listed(unknown)})
        values["project_types"] = types
        values["materials"] = "\n".join(line.strip() for line in raw["materials"].splitlines() if line.strip())
        row.prerequisites = [_fold(w) for w in _SPLIT.split(raw["prerequisites"]) if w.strip()]
        self._build(row, current, values)

    def _build(self, row: _Row, current: ApprovalItem | None, values: dict[str, Any]) -> None:
        if current is None:
            item = ApprovalItem(zone=self.zone)
        else:
            item = ApprovalItem(**{f.attname: getattr(current, f.attname) for f in ApprovalItem._meta.concrete_fields})
        for name in EDITABLE_FIELDS:
            setattr(item, name, values[name])
        # The item's own rules, for the cells read well: a cell already refused is not refused twice.
        refused = {e.column for e in row.errors}
        for field_name, messages in item_errors(item).items():
            column = self.header(field_name)
            if column and column in refused:
                continue
            for message in messages:
                self.error(row, field_name if field_name in BY_FIELD else "", message)
        if row.errors:
            return
        row.item = item
        if current is None:
            row.action = "create"
        else:
            same = all(getattr(item, name) == getattr(current, name) for name in EDITABLE_FIELDS if name != "unit")
            same = same and item.unit_id == current.unit_id
            same = same and sorted(set(row.prerequisites)) == sorted(set(self.graph.get(_fold(current.name), [])))
            row.action = "unchanged" if same else "update"

    def _check_prerequisites(self, in_file: dict[str, int]) -> None:
        graph = dict(self.graph)
        rows_by_key = {}
        for row in self.rows:
            key = _fold(row.raw["name"])
            if not key or in_file.get(key) != row.number:
                continue
            rows_by_key[key] = row
            wanted, problems = [], []
            current = set(self.graph.get(key, []))
            for name in dict.fromkeys(row.prerequisites):
                if name == key:
                    self.error(row, "prerequisites", _("事项不能以自身为前置事项。"))
                    continue
                existing = self.existing.get(name)
                if name not in in_file and existing is None:
                    problems.append(name)
                    continue
                if name not in in_file and existing.is_archived and name not in current:
                    self.error(row, "prerequisites", _("已归档的事项不能作为前置事项：%(names)s。") % {"names": existing.name})
                    continue
                wanted.append(name)
            if problems:
                self.error(row, "prerequisites", _("本园区清单和本文件中都没有这些事项：%(names)s。") % {"names": listed(problems)})
            graph[key] = wanted
            row.prerequisites = wanted
        cycle = find_cycle(graph)
        if cycle:
            start = min((k for k in cycle if k in rows_by_key), key=lambda k: rows_by_key[k].number, default=cycle[0])
            names = {k: (rows_by_key[k].raw["name"].strip() if k in rows_by_key else self.existing[k].name)
                     for k in cycle}
            row = rows_by_key.get(start)
            if row is not None:
                self.error(row, "prerequisites", cycle_message(rotate(cycle, start), names))
        # Only now is the comparison with the catalogue's own prerequisites complete.
        for key, row in rows_by_key.items():
            if row.action == "unchanged" and sorted(set(row.prerequisites)) != sorted(set(self.graph.get(key, []))):
                row.action = "update"

    def _display(self, row: _Row) -> dict[str, Any]:
        item = row.item
        return {
            "row_number": row.number, "action": row.action, "name": row.raw["name"],
            "unit": row.raw["unit"], "list_type": item.get_list_type_display() if item else row.raw["list_type"],
            "stage": item.get_stage_display() if item else row.raw["stage"],
            "statutory_days": row.raw["statutory_days"], "committed_days": row.raw["committed_days"],
            "prerequisites": row.raw["prerequisites"],
        }


def _parse(*, zone, file) -> tuple[CataloguePreview, list[_Row], _Checker | None]:
    try:
        headers, rows = _read(file)
    except _FileProblem as problem:
        return CataloguePreview(errors=[RowError(None, "", problem.message)]), [], None
    checker = _Checker(zone=zone, headers=headers, rows=rows)
    checked = checker.check()
    if not checked and checker.preview.ok:
        checker.preview.errors.append(RowError(None, "", _("文件中没有数据行。")))
    return checker.preview, checked, checker


def catalogue_parse(*, zone, file) -> CataloguePreview:
    """Read and check a catalogue file for `zone`; nothing is written."""
    return _parse(zone=zone, file=file)[0]


@transaction.atomic
def catalogue_import(*, actor, zone, file) -> CatalogueResult:
    """Import a catalogue file into `zone`: every row or none (raises CatalogueInvalid)."""
    _lock_catalogue(zone.pk)
    preview, rows, checker = _parse(zone=zone, file=file)
    if not preview.ok:
        raise CatalogueInvalid(preview)
    with audit_context(actor=actor, source=AuditSource.IMPORT):
        saved: dict[str, ApprovalItem] = dict(checker.existing)
        for row in rows:
            if row.action in ("create", "update"):
                row.item.save()
                saved[_fold(row.item.name)] = row.item
        for row in rows:
            if row.action in ("create", "update"):
                row.item.prerequisites.set([saved[name] for name in row.prerequisites])
    return CatalogueResult(created=preview.new, updated=preview.updated, unchanged=preview.unchanged)
