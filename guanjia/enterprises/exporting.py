"""Exporting the enterprise registry (企业名录导出) to .xlsx, with the same Chinese headers as the import.

An export can be imported again: the columns, their order and the way values are
written (行业 as "C39 计算机…", 规模 as 规上/规下, 标签 joined by "、", people by name,
or "姓名（用户名）" where a name is shared in the zone) are what `importing` reads.
Phone numbers are masked for roles that may not read them (`core.masking`), and the staff's internal note
(内部备注) is a column only for those who may read it: an enterprise contact's export has no such column.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from stdnum.cn import uscc as stdnum_uscc

from guanjia.core.masking import can_see_phones, mask_phone
from guanjia.enterprises.importing import COLUMNS, Column
from guanjia.enterprises.models import Contact, Enterprise
from guanjia.org.models import User

SHEET_TITLE = "企业名录"
# Column widths in Excel's units (about one Latin character; a Chinese character takes two).
WIDTHS = {
    "name": 38, "uscc": 22, "industry": 34, "scale": 10, "tags": 26, "address": 40,
    "legal_representative": 12, "workstation": 14, "butler": 16, "contact_leader": 16,
    "contact_name": 12, "contact_phone": 16, "internal_note": 30,
}
CHUNK_SIZE = 2000

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(sheet, value: Any) -> WriteOnlyCell:
    """A cell whose text is text: "=…" stays a string instead of becoming a formula."""
    cell = WriteOnlyCell(sheet, value=_clean(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _new_sheet(workbook: Workbook, columns: Sequence[Column], title: str = SHEET_TITLE):
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column.field]
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)
    return sheet


def write_roster(rows: Iterable[Sequence[Any]], *, instructions: bool = False,
                 columns: Sequence[Column] = COLUMNS) -> bytes:
    """An .xlsx roster (header row + `rows`, each in the order of `columns`: all the roster's by default),
    optionally with a 填写说明 sheet."""
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, columns)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    if instructions:
        _write_instructions(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_INSTRUCTIONS = (
    ("企业名称", "必填", "企业的登记名称。", "咸阳某某科技有限公司"),
    ("统一社会信用代码", "必填", "18位，含校验位；全角字符、空格可自动纠正。已登记的代码不能重复导入。",
     "91610402MA6XA1B2C" + stdnum_uscc.calc_check_digit("91610402MA6XA1B2C")),
    ("所属行业", "选填", "国民经济行业分类（GB/T 4754-2017）大类：代码或名称均可。", "C39 或 39 或 计算机、通信和其他电子设备制造业"),
    ("企业规模", "选填", "规上 或 规下（也可写 规模以上/规模以下）；不填按规下。", "规上"),
    ("标签", "选填", "可填多个，用顿号、逗号、分号或空格分隔。", "高新技术企业、专精特新"),
    ("地址", "选填", "", "咸阳市高新区星火大道"),
    ("法定代表人", "选填", "", ""),
    ("工作站", "选填", "本园区工作站的名称。", "第一工作站"),
    ("企业管家", "选填", "本园区管家的姓名或用户名；重名时填“姓名（用户名）”。", "张伟（zhangwei）"),
    ("联系领导", "选填", "本园区领导的姓名或用户名；重名时填“姓名（用户名）”。", ""),
    ("联系人", "选填", "企业的主要联系人。", ""),
    ("联系电话", "选填", "填写联系电话时须同时填写联系人。", ""),
    ("内部备注", "选填", "仅园区工作人员可见，企业联系人看不到（旧名录的“备注”列也读入此处）。", ""),
)


def _write_instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("填写说明")
    for letter, width in zip("ABCD", (18, 8, 70, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for text in ("列名", "是否必填", "填写说明", "示例"):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = _HEADER_FONT
        header.append(cell)
    sheet.append(header)
    for row in _INSTRUCTIONS:
        sheet.append(list(row))
    sheet.append([])
    sheet.append([_("第一行为表头，请勿修改列名；空行会被跳过；任何一行有错误时整份名录都不会导入。")])


def roster_template() -> bytes:
    """The blank roster template (表头 + 填写说明) that users fill in."""
    return write_roster([], instructions=True)


def _shared_names(queryset) -> set[tuple[int, str]]:
    """(zone, name) pairs that more than one person holds, among the butlers and leaders exported."""
    people = User.objects.filter(
        Q(pk__in=queryset.values("butler")) | Q(pk__in=queryset.values("contact_leader"))
    ).exclude(name="")
    rows = (
        User.objects.filter(name__in=people.values("name"))
        .values("zone_id", "name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return {(row["zone_id"], row["name"]) for row in rows}


def _person(user: User | None, shared: set[tuple[int, str]]) -> str:
    if user is None:
        return ""
    if not user.name:
        return user.username
    if (user.zone_id, user.name) in shared:
        return f"{user.name}（{user.username}）"
    return user.name


def enterprises_export(*, queryset, user) -> bytes:
    """The enterprises of `queryset` that `user` may see, as an .xlsx roster that `roster_import` reads back.

    Queries: a fixed few plus three per 2 000 rows, whatever the number of rows
    (butler, leader and workstation joined; tags and contacts prefetched).
    """
    show_phones = can_see_phones(user)
    show_note = user.has_perm("enterprises.view_internal_note")
    columns = COLUMNS if show_note else tuple(c for c in COLUMNS if c.field != "internal_note")
    queryset = (
        queryset.visible_to(user)
        .select_related("workstation", "butler", "contact_leader")
        .prefetch_related("tags", Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "pk")))
    )
    shared = _shared_names(queryset)

    def rows():
        enterprise: Enterprise
        for enterprise in queryset.iterator(chunk_size=CHUNK_SIZE):
            contact = next(iter(enterprise.contacts.all()), None)
            phone = contact.phone if contact else ""
            yield [
                enterprise.name,
                enterprise.uscc,
                enterprise.industry_label,
                enterprise.get_scale_display(),
                "、".join(tag.name for tag in enterprise.tags.all()),
                enterprise.address,
                enterprise.legal_representative,
                enterprise.workstation.name if enterprise.workstation else "",
                _person(enterprise.butler, shared),
                _person(enterprise.contact_leader, shared),
                contact.name if contact else "",
                phone if show_phones else mask_phone(phone),
                *([enterprise.internal_note] if show_note else []),
            ]

    return write_roster(rows(), columns=columns)
