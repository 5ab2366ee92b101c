"""Attachments: checks of size and type with a clear Chinese message (nothing is stored on refusal),
and the files of a change that failed, deleted at once or by the nightly sweep."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.text import listed

logger = logging.getLogger(__name__)

ALLOWED = {
    ".pdf": b"%PDF", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8", ".png": b"\x89PNG", ".docx": b"PK",
    ".xlsx": b"PK", ".pptx": b"PK", ".zip": b"PK", ".doc": b"\xd0\xcf", ".xls": b"\xd0\xcf", ".txt": None,
    ".ofd": b"PK",
}
MAX_FILES = 10
ATTACHMENT_ROOT = "items"  # each item's files under items/<item id>/
# Where files were kept before the workflow kernel: requests/<request id>/ (their rows still name them there).
LEGACY_ROOTS = ("requests",)
# A refused form's files, kept for its next sending (KeptUploads): pending/<person id>/<form key>-<name>. No
# attachment ever names them, so the nightly sweep deletes what a form never sent again.
PENDING_ROOT = "pending"


NAME_MAX = 200  # Attachment.name's length


def shown_name(name: str) -> str:
    """The file's name as people see it, shortened to NAME_MAX characters without losing its type."""
    if len(name) <= NAME_MAX:
        return name
    suffix = PurePath(name).suffix[:20]
    return name[:NAME_MAX - len(suffix)] + suffix


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
                "name": upload.name, "types": listed(sorted(s.lstrip(".") for s in ALLOWED))}})
        if upload.size > limit:
            raise ValidationError({"attachments": _("“%(name)s”过大（上限 %(mb)d MB）。") % {
                "name": upload.name, "mb": limit // (1024 * 1024)}})
        magic = ALLOWED[suffix]
        if magic is not None:
            head = upload.read(len(magic))
            upload.seek(0)
            if head != magic:
                raise ValidationError({"attachments": _("“%(name)s”的内容与文件类型不符。") % {"name": upload.name}})


class FileMissing(Exception):
    """An attachment whose row is there but whose file is not (lost, or left out of a restore)."""


def attachment_open(attachment):
    """The attachment's file opened for reading; FileMissing if it is not in the storage."""
    if not attachment.file.name:
        raise FileMissing(attachment)
    try:
        return attachment.file.open("rb")
    except FileNotFoundError as error:
        raise FileMissing(attachment) from error


def attachments_missing(*, chunk_size: int = 2000):
    """The attachments whose files are not in the storage, with their items, in id order."""
    from guanjia.workflow.models import Attachment

    rows = Attachment.objects.select_related("item").order_by("pk").iterator(chunk_size=chunk_size)
    for attachment in rows:
        if not attachment.file.name or not default_storage.exists(attachment.file.name):
            yield attachment


# -- files of a failed change -----------------------------------------------------------------------------------
# A FileField writes its file when its row is inserted, inside the service's transaction. Files have no
# rollback: when the transaction fails, the rows go and the files stay. A service that stores files is
# wrapped in `removed_if_failed`, which deletes the files it stored when it raises. A change that succeeded
# inside an outer transaction that then rolled back, or a process killed between writing and committing,
# can still leave a file behind: `sweep_orphans` (a nightly job) deletes files no row names.

_stored: ContextVar[list[str] | None] = ContextVar("guanjia_stored_files", default=None)


def remember_stored(name: str) -> None:
    """Note a file just written inside the current service, to delete it if the service fails."""
    stored = _stored.get()
    if stored is not None:
        stored.append(name)


def removed_if_failed(service):
    """Wrap a service that stores attachments: when it raises, the files it wrote are deleted."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        stored: list[str] = []
        token = _stored.set(stored)
        try:
            result = service(*args, **kwargs)
        except BaseException:
            _delete(stored)
            raise
        finally:
            _stored.reset(token)
        outer = _stored.get()
        if outer is not None:  # a service inside another: its files go if the outer one fails
            outer.extend(stored)
        return result

    return wrapper


def _delete(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the sweep will find it; the service's own error is the one to report
            logger.warning("could not delete the file %s of a failed change", name, exc_info=True)


@dataclass
class SweepResult:
    checked: int = 0
    deleted: list[str] = field(default_factory=list)


SWEEP_BATCH = 500


def sweep_orphans(*, older_than: dt.timedelta = dt.timedelta(days=1), now: dt.datetime | None = None,
                  dry_run: bool = False) -> SweepResult:
    """Delete attachment files that no attachment row names and that are older than `older_than`.

    Files are kept in one folder per item (`items/<item id>/`; before the kernel, `requests/<request
    id>/`); a refused form's kept files in one per person (`pending/<person id>/`). A file younger than `older_than` may belong to a change still in progress and is left
    alone. The rows are looked up by the files' names, a batch of folders at a time (one query per
    batch), not for the whole archive at once.
    """
    from guanjia.workflow.models import Attachment

    cutoff = (now or timezone.now()) - older_than
    result = SweepResult()
    for root in (ATTACHMENT_ROOT, *LEGACY_ROOTS, PENDING_ROOT):
        try:
            folders, _files = default_storage.listdir(root)
        except FileNotFoundError:
            continue
        folders = sorted(name for name in folders if name.isdigit())
        for start in range(0, len(folders), SWEEP_BATCH):
            paths = [f"{root}/{folder}/{name}" for folder in folders[start:start + SWEEP_BATCH]
                     for name in default_storage.listdir(f"{root}/{folder}")[1]]
            named = set(Attachment.objects.filter(file__in=paths).values_list("file", flat=True))
            for path in paths:
                result.checked += 1
                if path in named or default_storage.get_modified_time(path) >= cutoff:
                    continue
                if not dry_run:
                    default_storage.delete(path)
                    logger.info("deleted %s: no attachment names it", path)
                result.deleted.append(path)
    return result


# -- the files of a refused form -------------------------------------------------------------------------------
# A browser cannot put a chosen file back into a file input: a form refused for another field (a missing
# title) would lose its attachments without a word. Its files that passed the checks are kept under the
# form's one-time key until it is sent again, shown as "已选择：name (移除)", and sent with it.

class KeptUploads:
    """The files kept for one rendered form of one person: the stored files under `pending/`, their names
    and paths in the person's session under the form's one-time key (a hex uuid; any other key keeps nothing).
    """

    SESSION_KEY = "guanjia_kept_uploads"
    FORMS_KEPT = 5  # the forms a session remembers files for; an older one's files are left to the sweep

    def __init__(self, request, key: str):
        self.session = request.session
        self.owner = request.user.pk
        self.key = key if re.fullmatch(r"[0-9a-f]{32}", key or "") else ""

    def _all(self) -> dict:
        return self.session.get(self.SESSION_KEY, {})

    def entries(self) -> list[list[str]]:
        """[stored path, shown name] of each kept file, in the order they were chosen."""
        return list(self._all().get(self.key, [])) if self.key else []

    def names(self) -> list[tuple[int, str]]:
        return [(index, name) for index, (_path, name) in enumerate(self.entries())]

    def _save(self, entries: list[list[str]]) -> None:
        kept = {k: v for k, v in self._all().items() if k != self.key}
        if entries:
            kept[self.key] = entries
        self.session[self.SESSION_KEY] = dict(list(kept.items())[-self.FORMS_KEPT:])

    def keep(self, uploads) -> None:
        """Keep these new uploads beside those kept already (checked as one sending would be)."""
        uploads = list(uploads)
        if not uploads or not self.key:
            return
        entries, kept = self.entries(), self.files()
        try:
            check_uploads([*kept, *uploads])
        finally:
            for upload in kept:
                upload.close()
        for upload in uploads:
            name = shown_name(PurePath(upload.name).name)
            upload.seek(0)
            path = default_storage.save(f"{PENDING_ROOT}/{self.owner}/{self.key}-{name}", upload)
            entries.append([path, name])
        self._save(entries)

    def drop(self, indexes) -> None:
        """Let go of the kept files the person removed (移除), by their place in the list."""
        entries = self.entries()
        chosen = {int(i) for i in indexes if str(i).isdigit()}
        gone = [path for index, (path, _name) in enumerate(entries) if index in chosen]
        if gone:
            _delete(gone)
            self._save([entry for index, entry in enumerate(entries) if index not in chosen])

    def files(self) -> list:
        """The kept files, opened, as uploads to hand to a service (one whose file has gone is left out)."""
        import mimetypes

        from django.core.files import File

        opened = []
        for path, name in self.entries():
            try:
                upload = File(default_storage.open(path, "rb"), name=name)
            except FileNotFoundError:
                logger.warning("a kept upload %s has gone", path)
                continue
            upload.content_type = mimetypes.guess_type(name)[0] or ""
            opened.append(upload)
        return opened

    def clear(self) -> None:
        """The form was sent: its kept files are attachments now (stored again with their item)."""
        entries = self.entries()
        if entries:
            _delete(path for path, _name in entries)
            self._save([])
