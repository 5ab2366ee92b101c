"""What parsing or importing hands back: `RowError`, `RosterPreview`, `ImportResult`, `RosterInvalid`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

_MESSAGES_IN_EXCEPTION = 100


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
    names), `contact_name`, `contact_phone`, `internal_note`) and `enterprise_id` for an
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
