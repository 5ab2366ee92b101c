"""Attachment checks: size and type, with a clear Chinese message; nothing is stored on refusal."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED = {
    ".pdf": b"%PDF", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8", ".png": b"\x89PNG", ".docx": b"PK",
    ".xlsx": b"PK", ".pptx": b"PK", ".zip": b"PK", ".doc": b"\xd0\xcf", ".xls": b"\xd0\xcf", ".txt": None,
    ".ofd": b"PK",
}
MAX_FILES = 10


def check_uploads(files) -> None:
    """Refuse files that are too big, of a forbidden type, or whose content does not match their name."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError({"attachments": _("一次最多上传 %(n)d 个附件。") % {"n": MAX_FILES}})
    limit = settings.GUANJIA_UPLOAD_MAX_BYTES
    for upload in files:
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in ALLOWED:
            raise ValidationError({"attachments": _("“%(name)s”的文件类型不允许（允许：%(types)s）。") % {
                "name": upload.name, "types": "、".join(sorted(s.lstrip(".") for s in ALLOWED))}})
        if upload.size > limit:
            raise ValidationError({"attachments": _("“%(name)s”过大（上限 %(mb)d MB）。") % {
                "name": upload.name, "mb": limit // (1024 * 1024)}})
        magic = ALLOWED[suffix]
        if magic is not None:
            head = upload.read(len(magic))
            upload.seek(0)
            if head != magic:
                raise ValidationError({"attachments": _("“%(name)s”的内容与文件类型不符。") % {"name": upload.name}})
