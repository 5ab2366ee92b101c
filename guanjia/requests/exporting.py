"""全部诉求 as .xlsx: the filtered list with the columns a zone prints (编号 … 是否超期).

Every row is one the reader may see (`visible_to`), read as the page reads it: an enterprise's contact
reads statuses as `requests.disclosure` says (退单待仲裁 as 已转办). The columns are the same for everyone: none of them
is an internal one (no note, no 退单 reason, no handler's name but the butler's).

Queries: a fixed few plus two per CHUNK_SIZE rows (the rows, and their units' tasks), whatever the number
of rows. At most MAX_ROWS rows are written; past it the sheet ends with a line saying so.
"""

from __future__ import annotations

import io
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guanjia.core.text import listed
from guanjia.org.models import User
from guanjia.requests import disclosure
from guanjia.requests.choices import Category, Source, Status, UnitTaskRole, UnitTaskStatus, Urgency
from guanjia.requests.models import UnitTask
from guanjia.requests.selectors import enterprise_only

# A zone's whole year is a few thousand requests; a file past this is no list anyone reads, and is built
# in memory: narrow the filters instead.
MAX_ROWS = 50_000
CHUNK_SIZE = 2000
DATETIME = "yyyy-mm-dd hh:mm"
STANDING = (UnitTaskStatus.PENDING, UnitTaskStatus.SIGNED, UnitTaskStatus.DONE)

# (header, width in Excel's units: a Chinese character takes two)
COLUMNS = (
    (gettext_lazy("编号"), 16), (gettext_lazy("标题"), 36), (gettext_lazy("企业"), 32), (gettext_lazy("类别"), 18),
    (gettext_lazy("来源"), 10), (gettext_lazy("紧急程度"), 10), (gettext_lazy("状态"), 12),
    (gettext_lazy("责任管家"), 12), (gettext_lazy("牵头单位"), 20), (gettext_lazy("协办单位"), 28),
    (gettext_lazy("提出时间"), 17), (gettext_lazy("办结时限"), 17), (gettext_lazy("办结时间"), 17),
    (gettext_lazy("是否超期"), 10),
)
FIELDS = ("pk", "number", "title", "enterprise__name", "category", "source", "urgency", "status", "butler__name",
          "butler__username", "lead_unit__name", "created_at", "due_at", "resolved_at", "item__is_open",
          "item__due_at")

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _text(value):
    """Text as text: no characters Excel refuses, and "=…" never read as a formula."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _co_units(request_ids: list[int]) -> dict[int, list[str]]:
    """The co-units (协办单位) by request, in one query: those whose task stands (pending, signed for or
    answered); a task withdrawn or returned (退单) is no longer the unit's."""
    found: dict[int, list[str]] = {}
    tasks = UnitTask.objects.filter(request__in=request_ids, role=UnitTaskRole.CO, status__in=STANDING)
    for request_id, name in tasks.order_by("request", "pk").values_list("request", "unit__name"):
        names = found.setdefault(request_id, [])
        if name not in names:
            names.append(name)
    return found


def _overdue(row: dict, now) -> bool:
    """Late as the list shows it: resolved after its 办结时限, or still open with a deadline of its own run
    out (its tracked item's soonest running one, the 最近时限 badge's 超期)."""
    if row["resolved_at"] is not None:
        return row["due_at"] is not None and row["resolved_at"] > row["due_at"]
    return bool(row["item__is_open"]) and row["item__due_at"] is not None and row["item__due_at"] < now


def requests_workbook(*, queryset, user) -> bytes:
    """The requests of `queryset` that `user` may see, newest first as the list, as an .xlsx file."""
    enterprise_view = enterprise_only(user)
    shown_status = disclosure.ENTERPRISE_STATUS if enterprise_view else {}
    labels = {name: dict(choices.choices) for name, choices in (
        ("category", Category), ("source", Source), ("urgency", Urgency), ("status", Status))}
    yes, no = _("是"), _("否")
    now = timezone.now()

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("诉求"))
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"  # set before the first row: a write-only sheet writes its view first
    header = []
    for title, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)

    def time_cell(value):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = DATETIME
        return cell

    def text_cell(value):
        cell = WriteOnlyCell(sheet, value=_text(value))
        cell.data_type = "s" if isinstance(value, str) and value else cell.data_type
        return cell

    rows = queryset.visible_to(user).values(*FIELDS).iterator(chunk_size=CHUNK_SIZE)
    written = 0
    while written < MAX_ROWS:
        chunk = list(islice(rows, min(CHUNK_SIZE, MAX_ROWS - written)))
        if not chunk:
            break
        co_units = _co_units([row["pk"] for row in chunk])
        for row in chunk:
            status = shown_status.get(row["status"], row["status"])
            sheet.append([
                text_cell(row["number"]), text_cell(row["title"]), text_cell(row["enterprise__name"]),
                str(labels["category"].get(row["category"], row["category"])),
                str(labels["source"].get(row["source"], row["source"])),
                str(labels["urgency"].get(row["urgency"], row["urgency"])),
                str(labels["status"].get(status, status)),
                text_cell(User.label(row["butler__name"], row["butler__username"]) or ""),
                text_cell(row["lead_unit__name"] or ""), text_cell(listed(co_units.get(row["pk"], []))),
                time_cell(row["created_at"]), time_cell(row["due_at"]), time_cell(row["resolved_at"]),
                yes if _overdue(row, now) else no,
            ])
        written += len(chunk)
    if written == MAX_ROWS and next(rows, None) is not None:
        sheet.append([_("仅导出前 %(n)d 条，请缩小筛选范围。") % {"n": MAX_ROWS}])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
