"""What every import page does with an uploaded workbook before reading it: refuse one too large before
Django reads the body, and keep it between the preview and the confirmation in the data directory."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# Room for the form's other fields and the multipart framing around the file itself.
FRAMING_BYTES = 64 * 1024


def import_dir() -> Path:
    """Where an uploaded workbook waits for its confirmation (`<data dir>/imports`)."""
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def too_large(request) -> str:
    """The message for a request whose body exceeds the upload limit, read from its Content-Length (so a 2 GB
    "roster" never reaches the disk); empty when it fits."""
    limit = settings.GUANJIA_UPLOAD_MAX_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + FRAMING_BYTES:
        return _("文件过大（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}
    return ""


def keep(upload) -> tuple[str, Path]:
    """Write an uploaded workbook where it waits for its confirmation; its token (for the session) and path."""
    token = secrets.token_hex(16)
    path = import_dir() / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def kept(pending: dict | None) -> Path | None:
    """The workbook a session's pending import kept (`{"token": …}`), or None once it is gone (expired)."""
    if not pending:
        return None
    path = import_dir() / f"{pending['token']}.xlsx"
    return path if path.exists() else None
