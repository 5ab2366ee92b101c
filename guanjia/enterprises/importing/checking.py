"""Checking a roster's rows: `_Checker` turns a `_Sheet` into `_Row`s to create or update, or errors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanjia.core.choices import Role
from guanjia.core.masking import mask_phone
from guanjia.core.models import AssignmentBase
from guanjia.enterprises import industry as industry_codes
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.importing.columns import _BY_FIELD, COLUMNS
from guanjia.enterprises.importing.lookups import _existing_by_uscc, _People, _Tags
from guanjia.enterprises.importing.reading import _HEADER_INDEX, _fold, _header_key, _Sheet
from guanjia.enterprises.importing.results import RosterPreview, RowError
from guanjia.enterprises.models import Contact, Enterprise, Tag
from guanjia.enterprises.validators import validate_uscc
from guanjia.org.models import Workstation

_SCALES = {
    Scale.ABOVE: ("规上", "规模以上", "规上企业", "规模以上企业", "规上工业", "规上工业企业", "above", "是", "y"),
    Scale.BELOW: ("规下", "规模以下", "规下企业", "规模以下企业", "规下工业", "below", "否", "n"),
}


# ---------------------------------------------------------------------------------------------
# Checking the rows


_UNSET = object()


@dataclass
class _Row:
    number: int
    raw: dict[str, str]
    display: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    code: str = ""  # the checked 统一社会信用代码, "" if wrong or a duplicate in the file
    enterprise: Enterprise | None = None  # the new or the existing one
    existing: Enterprise | None = None
    tags: list[Tag] | None = None
    butler: Any = _UNSET
    contact_leader: Any = _UNSET
    contact: tuple[str, str] | None = None  # (name, phone) when the roster gives a contact
    changes: dict[str, Any] = field(default_factory=dict)
    action: str = "create"


def _scale(text: str) -> str | None:
    key = _fold(text).lower()
    for value, words in _SCALES.items():
        if key in words or key == _fold(str(Scale(value).label)):
            return value
    return None


def _industry(text: str) -> tuple[str | None, str | None]:
    """(code, warning) for what a roster writes in 所属行业."""
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = re.sub(r"^([A-Za-z])\s+(\d)", r"\1\2", folded)
    code = industry_codes.normalize(folded)
    if code:
        return code, None
    # A 4-digit class (小类, e.g. "C3911" or "3911") is filed under its division.
    match = re.fullmatch(r"([A-Za-z]?)(\d{3,4})", folded.split()[0] if folded.split() else "")
    if match:
        code = industry_codes.BY_NUMBER.get(match.group(2)[:2])
        if code and (not match.group(1) or match.group(1).upper() == code[0]):
            return code, _("已按大类“%(label)s”登记。") % {"label": industry_codes.label(code)}
    return None, None


def _split_tags(text: str) -> list[str]:
    return [t for t in re.split(r"[、，,;；/\s]+", unicodedata.normalize("NFKC", text)) if t]


class _Checker:
    def __init__(self, *, zone, sheet: _Sheet, update_existing: bool):
        self.zone = zone
        self.update_existing = update_existing
        self.preview = RosterPreview(sheet=sheet.title, update_existing=update_existing)
        self.positions: dict[str, int] = {}
        self._map_headers(sheet)

    # headers -------------------------------------------------------------------------------
    def _map_headers(self, sheet: _Sheet) -> None:
        preview = self.preview
        for position, header in enumerate(sheet.headers):
            if not header:
                continue
            found = _HEADER_INDEX.get(_header_key(header))
            if found is None:
                preview.warnings.append(
                    RowError(sheet.header_row, header, _("无法识别的列，已忽略。"))
                )
                continue
            if found in self.positions:
                first = sheet.headers[self.positions[found]]
                preview.errors.append(
                    RowError(sheet.header_row, header, _("与“%(first)s”列重复（都表示“%(meaning)s”），请删去一列。")
                             % {"first": first, "meaning": _BY_FIELD[found].header})
                )
                continue
            self.positions[found] = position
            preview.columns[found] = header
        for column in COLUMNS:
            if column.required and column.field not in self.positions:
                preview.errors.append(
                    RowError(None, column.header, _("缺少必填列“%(header)s”。") % {"header": column.header})
                )

    def header(self, field_name: str) -> str:
        return self.preview.columns.get(field_name, _BY_FIELD[field_name].header)

    # rows ----------------------------------------------------------------------------------
    def check(self, sheet: _Sheet) -> list[_Row]:
        if not self.preview.ok:
            return []
        if not sheet.rows:
            self.preview.errors.append(RowError(None, "", _("表格中没有数据行：表头下面是空的。")))
            return []
        rows = [self._raw(number, cells) for number, cells in sheet.rows]
        codes = self._check_codes(rows)
        existing = _existing_by_uscc(sorted(codes), update_existing=self.update_existing)
        workstations = {
            _fold(w.name): w for w in Workstation.objects.filter(zone=self.zone)
        }
        tags = _Tags()
        refs = {r.raw[f] for r in rows for f in ("butler", "contact_leader") if r.raw.get(f)}
        people = _People(self.zone, refs) if refs else None
        names: dict[str, int] = {}
        for row in rows:
            self._check_row(row, existing, workstations, tags, people)
            first = names.setdefault(row.raw["name"], row.number)
            if row.raw["name"] and first != row.number:
                self.preview.warnings.append(
                    RowError(row.number, self.header("name"), _("与第%(n)d行的企业名称相同。") % {"n": first})
                )
        for row in rows:
            self.preview.errors.extend(row.errors)
            self.preview.rows.append(self._display(row))
            if row.errors:
                continue
            if row.action == "create":
                self.preview.new += 1
            elif row.action == "update":
                self.preview.updated += 1
            else:
                self.preview.unchanged += 1
        order = {c.field: i for i, c in enumerate(COLUMNS)}
        header_order = {self.header(f): i for f, i in order.items()}
        self.preview.errors.sort(key=lambda e: (e.row_number or 0, header_order.get(e.column, 99)))
        self.preview.warnings.sort(key=lambda e: (e.row_number or 0, header_order.get(e.column, 99)))
        return rows

    def _raw(self, number: int, cells: list[str]) -> _Row:
        raw = {
            f: (cells[p] if p < len(cells) else "") for f, p in self.positions.items()
        }
        for column in COLUMNS:
            raw.setdefault(column.field, "")
        return _Row(number=number, raw=raw, display=dict(raw))

    def error(self, row: _Row, field_name: str, message: str) -> None:
        row.errors.append(RowError(row.number, self.header(field_name) if field_name else "", message))

    def warn(self, row: _Row, field_name: str, message: str) -> None:
        self.preview.warnings.append(RowError(row.number, self.header(field_name), message))

    def _check_codes(self, rows: list[_Row]) -> set[str]:
        seen: dict[str, int] = {}
        for row in rows:
            text = row.raw["uscc"]
            if not text:
                self.error(row, "uscc", _("请填写统一社会信用代码。"))
                continue
            try:
                code = validate_uscc(text)
            except ValidationError as exc:
                self.error(row, "uscc", " ".join(exc.messages))
                continue
            row.display["uscc"] = code
            if code in seen:
                self.error(row, "uscc", _("与第%(first)d行的统一社会信用代码重复（第%(first)d行、第%(this)d行）。")
                           % {"first": seen[code], "this": row.number})
                continue
            seen[code] = row.number
            row.code = code
        return set(seen)

    def _check_row(self, row: _Row, existing, workstations, tags: _Tags, people: _People | None) -> None:
        raw, display = row.raw, row.display
        if not raw["name"]:
            self.error(row, "name", _("请填写企业名称。"))
        current = existing.get(row.code) if row.code else None
        if current is not None:
            if current.zone_id != self.zone.pk:
                self.error(row, "uscc", _("该统一社会信用代码已被其他园区登记，不能导入。"))
                current = None
            elif not self.update_existing:
                archived = _("（已归档）") if current.archived_at else ""
                self.error(row, "uscc", _("该统一社会信用代码已登记为“%(name)s”%(archived)s。如需更新已登记企业，请选择“更新已登记企业”后重新导入。")
                           % {"name": current.name, "archived": archived})
                current = None
            else:
                row.existing = current
                display["enterprise_id"] = current.pk
                if current.archived_at:
                    self.warn(row, "uscc", _("企业“%(name)s”已归档，更新后仍为归档状态。") % {"name": current.name})
        updating = row.existing is not None

        values: dict[str, Any] = {"name": raw["name"], "address": raw["address"],
                                  "legal_representative": raw["legal_representative"],
                                  "internal_note": raw["internal_note"]}
        if raw["industry"]:
            code_, note = _industry(raw["industry"])
            if code_ is None:
                self.error(row, "industry", _("无法识别的行业“%(value)s”：请填写国民经济行业分类的大类代码（如 C39 或 39）或大类名称。")
                           % {"value": raw["industry"]})
            else:
                values["industry"] = code_
                display["industry"] = code_
                display["industry_label"] = industry_codes.label(code_)
                if note:
                    self.warn(row, "industry", note)
        if raw["scale"]:
            scale = _scale(raw["scale"])
            if scale is None:
                self.error(row, "scale", _("无法识别的企业规模“%(value)s”：请填写“规上”或“规下”。") % {"value": raw["scale"]})
            else:
                values["scale"] = scale
                display["scale"] = scale
                display["scale_label"] = str(Scale(scale).label)
        elif not updating:
            display["scale"] = Scale.BELOW
            display["scale_label"] = str(Scale.BELOW.label)
        if raw["tags"]:
            found, unknown = [], []
            for word in _split_tags(raw["tags"]):
                tag = tags.get(word)
                if tag is None:
                    unknown.append(word)
                elif tag not in found:
                    found.append(tag)
            if unknown:
                self.error(row, "tags", _("无法识别的标签：%(unknown)s。可用的标签：%(known)s。")
                           % {"unknown": "、".join(unknown), "known": "、".join(tags.names)})
            else:
                row.tags = found
                display["tags"] = [t.name for t in found]
        else:
            display["tags"] = []
        if raw["workstation"]:
            station = workstations.get(_fold(raw["workstation"]))
            if station is None:
                self.error(row, "workstation", _("本园区没有名为“%(value)s”的工作站。") % {"value": raw["workstation"]})
            elif station.archived_at:
                self.error(row, "workstation", _("工作站“%(value)s”已归档，不能再分配企业。") % {"value": station.name})
            else:
                values["workstation"] = station
                display["workstation"] = station.name
        for field_name, duty in (("butler", AssignmentBase.Duty.BUTLER),
                                 ("contact_leader", AssignmentBase.Duty.CONTACT_LEADER)):
            ref = raw[field_name]
            if not ref:
                continue
            role = Role.BUTLER if duty == AssignmentBase.Duty.BUTLER else Role.LEADER
            person, problem = people.resolve(ref, role)
            if problem:
                self.error(row, field_name, problem)
            else:
                setattr(row, field_name, person)
                display[field_name] = str(person)
        self._check_contact(row)
        if row.errors:
            row.action = "error"
            return
        if updating:
            self._plan_update(row, values)
        else:
            self._build_new(row, values)

    def _check_contact(self, row: _Row) -> None:
        name, phone = row.raw["contact_name"], row.raw["contact_phone"]
        if not name and not phone:
            return
        if phone and not name:
            self.error(row, "contact_name", _("填写了联系电话，请同时填写联系人姓名。"))
            return
        if "*" in phone:
            # A masked number (an export for a role without phone access) must not overwrite a real one.
            if row.existing is None or not self._same_masked(row.existing, name, phone):
                self.warn(row, "contact_phone", _("联系电话为脱敏号码（含 *），未导入该电话。"))
            phone = None  # keep whatever is on record
        contact = Contact(name=name, phone=phone or "", is_primary=True)
        try:
            contact.full_clean(exclude=["enterprise"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                target = "contact_phone" if field_name == "phone" else "contact_name"
                self.error(row, target, " ".join(messages))
            return
        row.contact = (name, phone)

    @staticmethod
    def _same_masked(enterprise: Enterprise, name: str, phone: str) -> bool:
        return any(c.name == name and mask_phone(c.phone) == phone for c in enterprise.contacts.all())

    def _build_new(self, row: _Row, values: dict[str, Any]) -> None:
        enterprise = Enterprise(
            zone=self.zone, uscc=row.display["uscc"], name=values["name"],
            industry=values.get("industry", ""), scale=values.get("scale", Scale.BELOW),
            address=values["address"], legal_representative=values["legal_representative"],
            workstation=values.get("workstation"), internal_note=values["internal_note"],
            butler=None if row.butler is _UNSET else row.butler,
            contact_leader=None if row.contact_leader is _UNSET else row.contact_leader,
        )
        if not self._clean(row, enterprise):
            return
        row.enterprise = enterprise
        row.action = "create"

    def _clean(self, row: _Row, enterprise: Enterprise) -> bool:
        """The model's full_clean() on the row's enterprise, its errors as the row's; False if any.

        The foreign keys and the code are left out: they were checked against the zone's own rows,
        without one query per row.
        """
        try:
            enterprise.full_clean(
                exclude=["uscc", "zone", "workstation", "butler", "contact_leader"],
                validate_unique=False, validate_constraints=False,
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                self.error(row, field_name if field_name in _BY_FIELD else "", " ".join(messages))
            row.action = "error"
            return False
        return True

    def _plan_update(self, row: _Row, values: dict[str, Any]) -> None:
        """What changes on an existing enterprise; an empty cell keeps what is on record."""
        current = row.existing
        changes: dict[str, Any] = {}
        for field_name in ("name", "industry", "scale", "address", "legal_representative", "internal_note"):
            value = values.get(field_name, "")
            if value and value != getattr(current, field_name):
                changes[field_name] = value
        station = values.get("workstation")
        if station is not None and station.pk != current.workstation_id:
            changes["workstation"] = station
        if changes:
            probe = Enterprise(**{
                f.attname: getattr(current, f.attname) for f in Enterprise._meta.concrete_fields
            })
            for key, value in changes.items():
                setattr(probe, key, value)
            if not self._clean(row, probe):
                return
        if row.tags is not None and {t.pk for t in row.tags} != {t.pk for t in current.tags.all()}:
            changes["tags"] = row.tags
        if row.butler is not _UNSET and row.butler.pk != current.butler_id:
            changes["butler"] = row.butler
        if row.contact_leader is not _UNSET and row.contact_leader.pk != current.contact_leader_id:
            changes["contact_leader"] = row.contact_leader
        if row.contact is not None:
            name, phone = row.contact
            primary = next(iter(current.contacts.all()), None)
            if primary is None or primary.name != name or (phone is not None and primary.phone != phone):
                changes["contact"] = row.contact
        row.changes = changes
        row.enterprise = current
        row.action = "update" if changes else "unchanged"

    def _display(self, row: _Row) -> dict[str, Any]:
        display = {"row_number": row.number, "action": "error" if row.errors else row.action}
        display.update(row.display)
        display.setdefault("enterprise_id", None)
        display.setdefault("industry_label", display.get("industry", ""))
        display.setdefault("scale_label", display.get("scale", ""))
        return display
