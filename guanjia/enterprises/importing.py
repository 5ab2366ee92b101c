"""Importing an enterprise roster (企业名录导入) from an .xlsx file with Chinese headers.

Two steps, both services:

* `roster_parse(zone=…, file=…)` reads and checks the whole file and returns a
  `RosterPreview`: the rows as plain dicts, every problem as a `RowError` (the row
  number as Excel shows it, the column header as the file writes it, a message in
  Chinese) and the counts. It never writes and never raises for bad input.
* `roster_import(actor=…, zone=…, file=…)` parses again and writes ALL OR NOTHING:
  if any row has an error it writes nothing and raises `RosterInvalid` (a Django
  `ValidationError` carrying the same `RosterPreview`); otherwise it returns an
  `ImportResult`.

A new enterprise is written in bulk (a 10 000-row roster in a few seconds), which
is why this module does not call `enterprise_create` per row: it checks the same
rules in Python with a fixed number of queries, then bulk-creates the enterprises,
their tags, the butler/leader history (EnterpriseAssignment), the primary contact,
and the django-auditlog rows that the per-row services would have written
(actor, `additional_data={"source": "import"}`). An existing enterprise (same
统一社会信用代码 in the zone) is refused unless `update_existing=True`; updates go
through the ordinary services, one row at a time, and only for rows that change.
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guanjia.core.audit import audit_context
from guanjia.core.choices import AuditSource, Role
from guanjia.core.masking import mask_phone
from guanjia.core.models import AssignmentBase
from guanjia.enterprises import industry as industry_codes
from guanjia.enterprises import services
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.models import Contact, Enterprise, EnterpriseAssignment, Tag
from guanjia.enterprises.validators import validate_uscc
from guanjia.org.models import User, Workstation

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
# Sum of the uncompressed sizes of the .xlsx members; a 10 000-row roster is ~5 MB unpacked.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
IMPORT_REASON = "名录导入"
BATCH_SIZE = 1000
# Values per `IN (…)` query at most (fewer where the database binds fewer parameters).
_IN_CHUNK = 10_000
_HEADER_SCAN_ROWS = 10
_HEADER_SCAN_COLS = 100
_MESSAGES_IN_EXCEPTION = 100


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


# The roster's columns in the order the template and the export write them.
COLUMNS: tuple[Column, ...] = (
    Column("name", "企业名称", ("名称", "企业全称", "公司名称", "单位名称", "企业(单位)名称"), required=True),
    Column(
        "uscc", "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一信用代码", "统一社会代码", "社会统一信用代码", "统一代码", "uscc"),
        required=True,
    ),
    Column("industry", "所属行业", ("行业", "行业分类", "国民经济行业分类", "行业代码", "行业门类")),
    Column("scale", "企业规模", ("规模", "规上规下", "规上/规下", "是否规上")),
    Column("tags", "标签", ("企业标签", "企业类型标签")),
    Column("address", "地址", ("企业地址", "注册地址", "经营地址", "生产经营地址", "通讯地址")),
    Column("legal_representative", "法定代表人", ("法人", "法人代表", "法定代表")),
    Column("workstation", "工作站", ("所属工作站", "服务工作站")),
    Column("butler", "企业管家", ("管家", "服务管家", "包联管家")),
    Column("contact_leader", "联系领导", ("包联领导", "联系的领导")),
    Column("contact_name", "联系人", ("企业联系人", "联系人姓名")),
    Column("contact_phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式", "联系人电话")),
    Column("note", "备注", ("说明",)),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
_BY_FIELD = {c.field: c for c in COLUMNS}

_SCALES = {
    Scale.ABOVE: ("规上", "规模以上", "规上企业", "规模以上企业", "规上工业", "规上工业企业", "above", "是", "y"),
    Scale.BELOW: ("规下", "规模以下", "规下企业", "规模以下企业", "规下工业", "below", "否", "n"),
}
# Short names zones use for the catalogue's tags.
_TAG_ALIASES = {
    "高企": "hnte", "国高新": "hnte", "国家高新技术企业": "hnte", "小巨人": "little-giant",
    "国家级专精特新小巨人": "little-giant", "专精特新中小企业": "srdi", "单项冠军": "champion",
    "科小": "tech-sme", "科技型中小企业": "tech-sme",
}


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row number (None: the whole file), the column header, a message in Chinese."""

    row_number: int | None
    column: str
    message: str

    def __str__(self) -> str:
        # A whole-file problem names its column in the message already.
        if self.row_number is None:
            return self.message
        where = _("第%(n)d行") % {"n": self.row_number}
        if self.column:
            where += _("“%(column)s”列") % {"column": self.column}
        return f"{where}{pgettext('label separator', '：')}{self.message}"


@dataclass
class RosterPreview:
    """What an import would do: rows as plain dicts, errors and warnings, and the counts.

    `rows` holds every data row in file order: `row_number`, `action` ("create",
    "update", "unchanged" or "error"), the cleaned values (`name`, `uscc`,
    `industry`, `industry_label`, `scale`, `scale_label`, `tags` (names), `address`,
    `legal_representative`, `workstation`, `butler`, `contact_leader` (display
    names), `contact_name`, `contact_phone`, `note`) and `enterprise_id` for an
    existing enterprise. A value that failed its check is kept as written.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as the file writes it
    sheet: str = ""
    update_existing: bool = False
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row_number for e in self.errors if e.row_number is not None})

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row_number is None]


@dataclass
class ImportResult:
    """What an import wrote."""

    created: int
    updated: int
    unchanged: int
    warnings: list[RowError]

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class RosterInvalid(ValidationError):
    """The roster has errors, so nothing was written; `preview` holds every row error."""

    def __init__(self, preview: RosterPreview):
        self.preview = preview
        messages = [str(e) for e in preview.errors[:_MESSAGES_IN_EXCEPTION]]
        if len(preview.errors) > _MESSAGES_IN_EXCEPTION:
            messages.append(_("另有 %(n)d 个错误未列出。") % {"n": len(preview.errors) - _MESSAGES_IN_EXCEPTION})
        super().__init__(messages or [_("名录有误，未导入。")], code="roster")


class _FileProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# Reading the file


def _read_bytes(file) -> bytes:
    limit = settings.GUANJIA_UPLOAD_MAX_BYTES
    too_big = _FileProblem(
        _("文件过大：不能超过 %(mb).0f MB。请删去多余的工作表或分批导入。") % {"mb": limit / 1024 / 1024}
    )
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        if os.path.getsize(file) > limit:
            raise too_big
        with open(file, "rb") as fh:
            data = fh.read(limit + 1)
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > limit:
            raise too_big
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise _FileProblem(_("文件是空的。"))
    return data


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_container(data: bytes) -> None:
    """Refuse what openpyxl cannot or should not open, with a message a zone clerk understands."""
    if data.startswith(_CFB_MAGIC):
        # An OLE compound file: either an encrypted .xlsx (Excel wraps those in OLE) or an old .xls.
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise _FileProblem(_("文件设有打开密码，无法读取。请在 Excel 中取消密码后再导入。"))
        raise _FileProblem(_("这是旧版 Excel（.xls）文件。请在 Excel 中“另存为” .xlsx 格式后再导入。"))
    if not data.startswith(b"PK"):
        raise _FileProblem(_("不是 Excel 工作簿（.xlsx）文件。请使用模板，或在 Excel 中“另存为” .xlsx 格式。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _FileProblem(_("文件已损坏，无法打开。请重新保存或重新下载后再导入。")) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _FileProblem(_("不是 Excel 工作簿（.xlsx）文件。请使用模板，或在 Excel 中“另存为” .xlsx 格式。"))
    if any(m.flag_bits & 0x1 for m in members):
        raise _FileProblem(_("文件设有打开密码，无法读取。请在 Excel 中取消密码后再导入。"))
    # A zip bomb is small on disk and huge unpacked; openpyxl would unpack it in memory.
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise _FileProblem(_("文件解压后过大（超过 %(mb)d MB），无法导入。") % {"mb": MAX_UNPACKED_BYTES // 1024 // 1024})


def _text(value: Any) -> str:
    """A cell as text: numbers as Excel shows them (13800000000, not 13800000000.0), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if hasattr(value, "date") else value.isoformat()
    return str(value).strip()


def _fold(text: str) -> str:
    """Full-width to half-width, no spaces at all: how headers and names are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _header_key(value: Any) -> str:
    text = _fold(_text(value)).lower()
    text = text.strip("*＊")
    # "企业规模（规上/规下）", "统一社会信用代码(18位)": the note in brackets is not part of the name.
    text = re.sub(r"[(\[【].*?[)\]】]$", "", text)
    return text.strip("*:：")


_HEADER_INDEX: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.synonyms):
        _HEADER_INDEX[_header_key(_name)] = _column.field


@dataclass
class _Sheet:
    title: str
    header_row: int
    headers: list[str]  # as written, per column position
    rows: list[tuple[int, list[str]]]  # (Excel row number, cells as text)


def _find_header(rows: list[tuple]) -> tuple[int, int] | None:
    """(index in rows, recognised count) of the row that looks most like the header; None if none does."""
    best = None
    for index, row in enumerate(rows):
        known = {_HEADER_INDEX.get(_header_key(v)) for v in row if v is not None} - {None}
        if known and (best is None or len(known) > best[1]):
            best = (index, len(known))
    return best


def _read_sheet(data: bytes) -> _Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, ParseError, ValueError …) for a broken file
        logger.info("roster: unreadable workbook", exc_info=True)
        raise _FileProblem(
            _("无法读取该文件：文件可能已损坏，或不是 Excel 2007 及以上版本的工作簿（.xlsx）。")
        ) from None
    try:
        return _read_rows(workbook)
    except _FileProblem:
        raise
    except Exception:
        logger.info("roster: unreadable worksheet", exc_info=True)
        raise _FileProblem(_("读取工作表时出错：文件可能已损坏。请在 Excel 中重新保存后再导入。")) from None
    finally:
        workbook.close()


def _read_rows(workbook) -> _Sheet:
    sheets = list(workbook.worksheets)
    if not sheets:
        raise _FileProblem(_("工作簿中没有工作表。"))
    active = workbook.active if workbook.active in sheets else sheets[0]
    ordered = [active] + [s for s in sheets if s is not active]
    found = None
    for sheet in ordered:
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        # Some writers declare a wrong size; without this openpyxl would silently stop at it.
        sheet.reset_dimensions()
        head = list(
            islice(sheet.iter_rows(min_row=1, max_col=_HEADER_SCAN_COLS, values_only=True), _HEADER_SCAN_ROWS)
        )
        hit = _find_header(head)
        if hit is not None:
            found = (sheet, hit[0] + 1, head[hit[0]])
            break
    if found is None:
        first = ordered[0]
        head = list(islice(first.iter_rows(min_row=1, max_col=_HEADER_SCAN_COLS, values_only=True), 1))
        if not head or not any(_text(v) for v in head[0]):
            raise _FileProblem(_("工作表是空的：第一行应为表头（企业名称、统一社会信用代码……）。"))
        raise _FileProblem(
            _("未找到表头：请使用模板，第一行应为列名（%(headers)s）。") % {"headers": "、".join(HEADERS)}
        )
    sheet, header_row, header_values = found
    headers = [_text(v) for v in header_values]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows: list[tuple[int, list[str]]] = []
    values = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
    for number, row in enumerate(values, start=header_row + 1):
        cells = [_text(v) for v in row]
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _FileProblem(
                _("数据行超过 %(max)d 行，无法一次导入。请分成几个文件分批导入。") % {"max": MAX_ROWS}
            )
        rows.append((number, cells))
    return _Sheet(title=sheet.title, header_row=header_row, headers=headers, rows=rows)


# ---------------------------------------------------------------------------------------------
# Looking things up (a fixed number of queries)


def _in_chunk_size() -> int:
    """How many values one `IN (…)` may bind: SQLite before 3.32 allows only 999 parameters."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(100, min(_IN_CHUNK, limit - 10))
    return _IN_CHUNK


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _tag_key(text: str) -> str:
    return re.sub(r"[\"'“”‘’「」『』《》]", "", _fold(text)).casefold()


class _Tags:
    def __init__(self):
        tags = list(Tag.objects.all())
        self.names = [t.name for t in tags]
        self.by_key: dict[str, Tag] = {}
        by_code = {t.code: t for t in tags}
        for tag in tags:
            self.by_key[_tag_key(tag.name)] = tag
            self.by_key[_tag_key(tag.code)] = tag
        for alias, code in _TAG_ALIASES.items():
            if code in by_code:
                self.by_key.setdefault(_tag_key(alias), by_code[code])

    def get(self, text: str) -> Tag | None:
        return self.by_key.get(_tag_key(text))


_PERSON_WITH_USERNAME = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<username>[^()（）]+?)\s*[)）]$")


class _People:
    """The people a roster names, found by username or by name (``张伟`` or ``张伟（zhangwei）``)."""

    def __init__(self, zone, refs: set[str]):
        self.zone_id = zone.pk
        lookups: set[str] = set()
        for ref in refs:
            lookups.add(ref)
            match = _PERSON_WITH_USERNAME.match(ref)
            if match:
                lookups.update(match.groups())
        self.by_username: dict[str, User] = {}
        self.by_name: dict[str, list[User]] = defaultdict(list)
        keys = sorted(lookups)
        for chunk in _chunks(keys, _in_chunk_size() // 2):
            users = User.objects.filter(Q(username__in=chunk) | Q(name__in=chunk)).prefetch_related("roles")
            for user in users:
                # Fill the cached property from the prefetch, so checking roles costs no query per person.
                user.__dict__["role_codes"] = frozenset(r.code for r in user.roles.all())
                self.by_username[user.username] = user
                if user.name:
                    self.by_name[user.name].append(user)
        for users in self.by_name.values():
            users.sort(key=lambda u: u.username)

    def _check(self, user: User, role: str) -> str | None:
        if user.zone_id != self.zone_id:
            return _("“%(name)s”不是本园区人员，不能指派。") % {"name": user}
        if not user.is_active:
            return _("“%(name)s”已停用，不能指派。") % {"name": user}
        if role not in user.role_codes:
            return _("“%(name)s”没有“%(role)s”角色，不能指派。") % {"name": user, "role": Role(role).label}
        return None

    def resolve(self, ref: str, role: str) -> tuple[User | None, str | None]:
        match = _PERSON_WITH_USERNAME.match(ref)
        username = match.group("username") if match else ref
        user = self.by_username.get(username)
        if user is not None:
            problem = self._check(user, role)
            return (None, problem) if problem else (user, None)
        if match:
            return None, _("未找到用户名为“%(username)s”的人员。") % {"username": username}
        candidates = self.by_name.get(ref, [])
        here = [u for u in candidates if u.zone_id == self.zone_id]
        fit = [u for u in here if u.is_active and role in u.role_codes]
        if len(fit) == 1:
            return fit[0], None
        if len(fit) > 1:
            return None, _(
                "本园区有 %(n)d 位名为“%(name)s”的%(role)s（用户名：%(usernames)s），请改填“姓名（用户名）”或用户名。"
            ) % {"n": len(fit), "name": ref, "role": Role(role).label, "usernames": "、".join(u.username for u in fit)}
        if here:
            return None, self._check(here[0], role)
        if candidates:
            return None, self._check(candidates[0], role)
        return None, _("未找到人员“%(name)s”：请填写本园区%(role)s的姓名或用户名。") % {
            "name": ref, "role": Role(role).label,
        }


def _existing_by_uscc(codes: list[str], *, update_existing: bool) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for chunk in _chunks(codes, _in_chunk_size()):
        queryset = Enterprise.objects.filter(uscc__in=chunk)
        if update_existing:
            queryset = queryset.prefetch_related(
                "tags", Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "pk"))
            )
        else:
            queryset = queryset.only("pk", "zone_id", "uscc", "name", "archived_at")
        for enterprise in queryset:
            found[enterprise.uscc] = enterprise
    return found


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
                                  "legal_representative": raw["legal_representative"], "note": raw["note"]}
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
            workstation=values.get("workstation"), note=values["note"],
            butler=None if row.butler is _UNSET else row.butler,
            contact_leader=None if row.contact_leader is _UNSET else row.contact_leader,
        )
        # The same checks as the model's full_clean(); the foreign keys and the code were checked above
        # against the zone's own rows, without one query per row.
        try:
            enterprise.full_clean(
                exclude=["uscc", "zone", "workstation", "butler", "contact_leader"],
                validate_unique=False, validate_constraints=False,
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                self.error(row, field_name if field_name in _BY_FIELD else "", " ".join(messages))
            row.action = "error"
            return
        row.enterprise = enterprise
        row.action = "create"

    def _plan_update(self, row: _Row, values: dict[str, Any]) -> None:
        """What changes on an existing enterprise; an empty cell keeps what is on record."""
        current = row.existing
        changes: dict[str, Any] = {}
        for field_name in ("name", "industry", "scale", "address", "legal_representative", "note"):
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
            try:
                probe.full_clean(
                    exclude=["uscc", "zone", "workstation", "butler", "contact_leader"],
                    validate_unique=False, validate_constraints=False,
                )
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    self.error(row, field_name if field_name in _BY_FIELD else "", " ".join(messages))
                row.action = "error"
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


def _parse(*, zone, file, update_existing: bool) -> tuple[RosterPreview, list[_Row]]:
    try:
        data = _read_bytes(file)
        _check_container(data)
        sheet = _read_sheet(data)
    except _FileProblem as problem:
        return RosterPreview(errors=[RowError(None, "", problem.message)], update_existing=update_existing), []
    checker = _Checker(zone=zone, sheet=sheet, update_existing=update_existing)
    rows = checker.check(sheet)
    return checker.preview, rows


# ---------------------------------------------------------------------------------------------
# The services


def roster_parse(*, zone, file, update_existing: bool = False) -> RosterPreview:
    """Read and check an enterprise roster (.xlsx) for `zone` without writing anything.

    `file`: an uploaded file, any binary file object, bytes, or a path.
    """
    preview, _rows = _parse(zone=zone, file=file, update_existing=update_existing)
    return preview


def roster_import(*, actor, zone, file, update_existing: bool = False) -> ImportResult:
    """Import an enterprise roster into `zone`: every row or none (raises `RosterInvalid`).

    New enterprises are created with their tags, primary contact (联系人/联系电话),
    butler and contact leader (history reason "名录导入", assigned by `actor`), and
    audit rows by `actor` with source "import". With `update_existing`, a row whose
    统一社会信用代码 is already registered in the zone updates that enterprise
    (non-empty cells only; tags are replaced by the cell's list); without it such a
    row is an error.
    """
    try:
        with transaction.atomic(), audit_context(actor=actor, source=AuditSource.IMPORT):
            preview, rows = _parse(zone=zone, file=file, update_existing=update_existing)
            if not preview.ok:
                raise RosterInvalid(preview)
            new = [r for r in rows if r.action == "create"]
            _create_bulk(actor=actor, rows=new)
            problems = _apply_updates(actor=actor, rows=[r for r in rows if r.action == "update"])
            if problems:
                preview.errors.extend(problems)
                raise RosterInvalid(preview)
    except IntegrityError:
        # Another import or user registered one of these codes between our check and our write.
        logger.info("roster: integrity error on import", exc_info=True)
        preview = RosterPreview(errors=[RowError(None, "", _(
            "导入时发现部分统一社会信用代码刚被他人登记，未导入任何数据。请重新导入。"
        ))], update_existing=update_existing)
        raise RosterInvalid(preview) from None
    return ImportResult(
        created=preview.new, updated=preview.updated, unchanged=preview.unchanged, warnings=preview.warnings,
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _create_bulk(*, actor, rows: list[_Row]) -> None:
    if not rows:
        return
    now = timezone.now()
    enterprises = [r.enterprise for r in rows]
    for enterprise in enterprises:
        enterprise.created_at = now
    # SQLite (3.35+) and PostgreSQL return the new ids from a bulk insert; the rows below need them.
    Enterprise.objects.bulk_create(enterprises, batch_size=BATCH_SIZE)

    through = Enterprise.tags.through
    links = [
        through(enterprise_id=r.enterprise.pk, tag_id=tag.pk) for r in rows for tag in (r.tags or ())
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    assignments = []
    for row in rows:
        for person, duty in ((row.butler, AssignmentBase.Duty.BUTLER),
                             (row.contact_leader, AssignmentBase.Duty.CONTACT_LEADER)):
            if person is not _UNSET and person is not None:
                assignments.append(EnterpriseAssignment(
                    enterprise=row.enterprise, duty=duty, person=person, started_at=now,
                    reason=IMPORT_REASON, assigned_by=actor,
                ))
    EnterpriseAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)

    contacts = [
        Contact(enterprise=r.enterprise, name=r.contact[0], phone=r.contact[1] or "", is_primary=True,
                created_at=now)
        for r in rows if r.contact is not None
    ]
    Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)

    _log_created(
        actor=actor, now=now, objects=[*enterprises, *assignments, *contacts],
        tag_links=[(r.enterprise, [t.name for t in r.tags]) for r in rows if r.tags],
    )


class _CreateDiff:
    """auditlog's `model_instance_diff(None, obj)` for many objects of one model.

    The same field selection, values and masking as auditlog (its own helpers), with
    the per-model work (fields, the "old" side, which is always empty) done once:
    calling `model_instance_diff` per object took a third of a 10 000-row import.
    """

    def __init__(self, model, sample, *, as_json: bool):
        from auditlog.diff import get_field_value, get_fields_in_model, get_mask_function
        from auditlog.registry import auditlog

        self.as_json = as_json
        self.get_field_value = get_field_value
        fields = list(get_fields_in_model(sample))
        options = auditlog.get_model_fields(model)
        if options["include_fields"]:
            fields = [f for f in fields if f.name in options["include_fields"]]
        if options["exclude_fields"]:
            fields = [f for f in fields if f.name not in options["exclude_fields"]]
        # A reverse relation is shown as its manager ("enterprises.Contact.None"), the same for every object.
        self.constant = {
            f.name: get_field_value(sample, f, as_json) for f in fields if f.auto_created and not f.concrete
        }
        self.fields = [(f, get_field_value(None, f, as_json)) for f in fields]
        self.masked = set(options["mask_fields"])
        self.mask = get_mask_function(options.get("mask_callable")) if self.masked else None

    def __call__(self, obj) -> dict | None:
        from auditlog.diff import is_primitive

        diff = {}
        for field_, old in self.fields:
            new = self.constant.get(field_.name, _UNSET)
            if new is _UNSET:
                new = self.get_field_value(obj, field_, self.as_json)
            if old == new:
                continue
            if field_.name in self.masked:
                diff[field_.name] = (self.mask(smart_str(old)), self.mask(smart_str(new)))
            elif not self.as_json:
                diff[field_.name] = (smart_str(old), smart_str(new))
            else:
                diff[field_.name] = (
                    old if is_primitive(old) else smart_str(old), new if is_primitive(new) else smart_str(new),
                )
        return diff or None


def _log_created(*, actor, now, objects: Iterable, tag_links: list[tuple[Enterprise, list[str]]]) -> None:
    """The django-auditlog rows the per-row services would have written (bulk_create sends no signals)."""
    from auditlog import get_logentry_model
    from auditlog.cid import get_cid

    log_entry = get_logentry_model()
    cid = get_cid()
    as_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    types: dict[type, tuple[int, _CreateDiff]] = {}
    actor_id = actor.pk if actor is not None else None
    extra = {"source": AuditSource.IMPORT.value}

    def entry(obj, action, changes=None) -> dict[str, Any]:
        model = type(obj)
        if model not in types:
            content_type = ContentType.objects.get_for_model(model)
            types[model] = (content_type.pk, _CreateDiff(model, obj, as_json=as_json))
        content_type_id, diff = types[model]
        return {
            "content_type_id": content_type_id, "object_pk": str(obj.pk), "object_id": obj.pk,
            "object_repr": smart_str(obj), "action": action, "changes": diff(obj) if changes is None else changes,
            "actor_id": actor_id, "timestamp": now, "additional_data": extra, "cid": cid,
        }

    entries = [entry(obj, log_entry.Action.CREATE) for obj in objects]
    # The tags, as auditlog's m2m receiver records `enterprise.tags.set(…)`.
    entries.extend(
        entry(enterprise, log_entry.Action.UPDATE, {"tags": {"type": "m2m", "operation": "add", "objects": names}})
        for enterprise, names in tag_links
    )
    _insert_rows(log_entry, entries)


def _insert_rows(model, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (attname -> value; missing ones take the field default) with executemany.

    For the ~40 000 audit rows of a 10 000-row roster, `bulk_create` spent two seconds
    building model instances and per-value SQL; this writes the same rows in a fraction
    of that. Values are adapted by the fields themselves (JSON, date-times) so the SQL
    is the same on SQLite and PostgreSQL.
    """
    from django.db import connections, router
    from django.db.models import DateTimeField, JSONField

    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields)),
    )
    defaults = {f.attname: f.get_default() for f in fields}
    # Other columns take Python values as they are (text, integers, NULL).
    adapt = {f.attname: f for f in fields if isinstance(f, JSONField | DateTimeField)}
    attnames = [f.attname for f in fields]

    def values(row: dict[str, Any]) -> tuple:
        out = []
        for name in attnames:
            value = row.get(name, defaults[name])
            if name in adapt:
                value = adapt[name].get_db_prep_save(value, connection)
            out.append(value)
        return tuple(out)

    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, [values(row) for row in rows[start:start + BATCH_SIZE]])


def _apply_updates(*, actor, rows: list[_Row]) -> list[RowError]:
    """Update existing enterprises through the ordinary services (one row at a time, changed rows only)."""
    problems: list[RowError] = []
    for row in rows:
        changes = dict(row.changes)
        enterprise = row.existing
        tags = changes.pop("tags", None)
        butler = changes.pop("butler", None)
        leader = changes.pop("contact_leader", None)
        contact = changes.pop("contact", None)
        try:
            if changes or tags is not None:
                enterprise = services.enterprise_update(actor=actor, enterprise=enterprise, tags=tags, **changes)
            if butler is not None:
                services.enterprise_assign_butler(
                    actor=actor, enterprise=enterprise, butler=butler, reason=IMPORT_REASON
                )
            if leader is not None:
                services.enterprise_assign_contact_leader(
                    actor=actor, enterprise=enterprise, leader=leader, reason=IMPORT_REASON
                )
            if contact is not None:
                name, phone = contact
                primary = next(iter(row.existing.contacts.all()), None)
                same = primary if primary is not None and primary.name == name else None
                services.contact_save(
                    actor=actor, enterprise=enterprise, contact=same, name=name,
                    title=same.title if same else "", email=same.email if same else "",
                    phone=phone if phone is not None else (same.phone if same else ""), is_primary=True,
                )
        except ValidationError as exc:
            problems.append(RowError(row.number, "", " ".join(exc.messages)))
    return problems
