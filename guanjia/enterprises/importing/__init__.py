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

The parts: `columns` (the roster's columns), `results` (what the services return),
`reading` (the file and its limits), `lookups` (the queries), `checking` (the rows)
and `writing` (the inserts and updates). This module holds the two services.
"""

from __future__ import annotations

import logging

from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanjia.core.audit import audit_context
from guanjia.core.bulk import refresh_statistics
from guanjia.core.choices import AuditSource
from guanjia.enterprises.importing.checking import _Checker, _Row
from guanjia.enterprises.importing.columns import COLUMNS, HEADERS, Column
from guanjia.enterprises.importing.reading import (
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    _check_container,
    _FileProblem,
    _read_bytes,
    _read_sheet,
)
from guanjia.enterprises.importing.results import ImportResult, RosterInvalid, RosterPreview, RowError
from guanjia.enterprises.importing.writing import BATCH_SIZE, IMPORT_REASON, _apply_updates, _create_bulk
from guanjia.enterprises.models import Contact, Enterprise, EnterpriseAssignment

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "HEADERS",
    "IMPORT_REASON",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "Column",
    "ImportResult",
    "RosterInvalid",
    "RosterPreview",
    "RowError",
    "roster_import",
    "roster_parse",
]

logger = logging.getLogger(__name__)
# From this many rows an import refreshes the planner's statistics of the tables it wrote (a first roster of a
# zone is often its whole registry: plans made for an empty table would read it row by row).
LARGE_IMPORT = 1000


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
    if preview.new + preview.updated >= LARGE_IMPORT:
        refresh_statistics(models=(Enterprise, Enterprise.tags.through, Contact, EnterpriseAssignment, LogEntry))
    return ImportResult(
        created=preview.new, updated=preview.updated, unchanged=preview.unchanged, warnings=preview.warnings,
    )
