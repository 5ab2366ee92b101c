"""Reading the .xlsx: the size limits, the container check, finding the header row, the data rows as text."""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from guanjia.core.text import listed
from guanjia.enterprises.importing.columns import COLUMNS, HEADERS

# The package's logger, the one these messages went to before the split into modules.
logger = logging.getLogger("guanjia.enterprises.importing")

# Read here at call time: a test that lowers a limit patches this module, not the package.
MAX_ROWS = 50_000
# Sum of the uncompressed sizes of the .xlsx members; a 10 000-row roster is ~5 MB unpacked.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_HEADER_SCAN_ROWS = 10
_HEADER_SCAN_COLS = 100


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
            _("未找到表头：请使用模板，第一行应为列名（%(headers)s）。") % {"headers": listed(HEADERS)}
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
