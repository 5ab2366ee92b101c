"""Who changed what, from where: the context that every audit row (django-auditlog) records.

Requests set it in `AuditContextMiddleware` (source web or api; the actor is read
from the request lazily, so API token users are known too); imports and
commands set it with `audit_context`. One `pre_save` receiver on LogEntry
fills actor and source, so the trail is the same whatever wrote the record.
"""

from __future__ import annotations

import contextlib
import dataclasses
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save

from guanjia.core.choices import AuditSource
from guanjia.core.text import listed


@dataclass(frozen=True)
class _Context:
    source: str
    actor: Any = None
    request: Any = None

    def current_actor(self):
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


# _Context is a frozen dataclass, so a shared default is safe.
_context: ContextVar[_Context] = ContextVar(
    "guanjia_audit", default=_Context(source=AuditSource.COMMAND)  # noqa: B039
)


@contextlib.contextmanager
def audit_context(*, source: str | None = None, actor=None, request=None):
    """Run a block with this source/actor recorded on every audit row it writes."""
    outer = _context.get()
    token = _context.set(
        _Context(
            source=source or outer.source,
            actor=actor if actor is not None else outer.actor,
            request=request if request is not None else outer.request,
        )
    )
    try:
        yield
    finally:
        _context.reset(token)


def current_source() -> str:
    return _context.get().source


def _fill_log_entry(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        return
    ctx = _context.get()
    actor = ctx.current_actor()
    if instance.actor_id is None and actor is not None:
        instance.actor = actor
    data = dict(instance.additional_data or {})
    data.setdefault("source", ctx.source)
    instance.additional_data = data
    request = ctx.request
    if request is not None and not instance.remote_addr:
        from guanjia.accounts.addresses import client_address

        instance.remote_addr = client_address(request)  # the real client, behind the configured proxies


def connect() -> None:
    from auditlog.models import LogEntry

    pre_save.connect(_fill_log_entry, sender=LogEntry, dispatch_uid="guanjia-audit-context")


@dataclass
class HistoryRow:
    """One audit row as the history tab shows it: field changes with labels and display values.

    Each change is (label, old, new); `old` is None for a change that is one phrase (a many-to-many
    addition or removal: "新增 …"), shown without an arrow."""

    timestamp: Any
    actor: Any
    source: str
    action: int
    changes: list[tuple[str, str | None, str]]


HISTORY_LIMIT = 200
# Bookkeeping that auditlog records on every row and nobody reads in a history: the id and the timestamps
# (the row's own time says when).
UNSHOWN_FIELDS = frozenset({"id", "created_at", "updated_at"})


def history_for(obj, *, hidden: frozenset[str] | set[str] = frozenset()) -> list[HistoryRow]:
    """The newest audit rows of one record as a person would write them, with a fixed number of queries.

    Each change reads with the field's own name (verbose_name), a related row by its name (fetched in one
    query per related model, not row by row as auditlog's own display does), a choice by its label, a
    yes/no as 是/否, a time in the zone's time zone to the minute, nothing as "—" (the template's). What no
    person reads is left out: the id and timestamps, the reverse relations auditlog lists on a new row
    (shown by it as `org.User.None`), a change from nothing to nothing. So are the changes of the `hidden`
    fields (what the reader may not see), and an update left with no change to show.
    """
    from auditlog.models import LogEntry

    entries = list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")[:HISTORY_LIMIT]
    )
    fields = {f.name: f for f in obj._meta.concrete_fields if f.name not in UNSHOWN_FIELDS}
    fields.update({f.name: f for f in obj._meta.many_to_many})
    wanted: dict[Any, set[str]] = {}
    for entry in entries:
        for name, change in (entry.changes_dict or {}).items():
            field = fields.get(name)
            if field is not None and field.is_relation and not field.many_to_many and isinstance(change, list):
                wanted.setdefault(field.related_model, set()).update(
                    v for v in change if v not in (None, "None", "")
                )
    resolved = {
        model: {str(pk): str(o) for pk, o in model._default_manager.in_bulk(_ids(model, pks)).items()}
        for model, pks in wanted.items()
    }
    rows = []
    for entry in entries:
        changes = []
        for name, change in (entry.changes_dict or {}).items():
            field = fields.get(name)
            if field is None or name in hidden:
                continue
            label = str(field.verbose_name)
            if isinstance(change, dict):  # many-to-many: {"operation": "add", "objects": [...]}
                changes.append((label, None, _m2m_phrase(change)))
                continue
            old, new = (_display(field, value, resolved) for value in _pair(change))
            if old != new:
                changes.append((label, old, new))
        if not changes and entry.action == LogEntry.Action.UPDATE:
            continue
        rows.append(HistoryRow(entry.timestamp, entry.actor, (entry.additional_data or {}).get("source", ""),
                               entry.action, changes))
    return rows


def enterprise_reader(user) -> bool:
    """Whether `user` reads as an enterprise's contact (no staff role): staff are named to it by the rule below."""
    from guanjia.core.choices import Role

    return not user.is_superuser and user.role_codes <= {Role.ENTERPRISE}


def named_to_enterprise(actor, obj, *, reader) -> bool:
    """Whether an enterprise contact may read `actor` by name on `obj` (an enterprise, or a record of one): its
    own people and its butler (the record's or its enterprise's); any other staff member reads as 服务中心, as on
    a request's timeline."""
    if actor is None:
        return True
    enterprise = obj if hasattr(obj, "uscc") else getattr(obj, "enterprise", None)
    if actor.pk in (getattr(obj, "butler_id", None), getattr(enterprise, "butler_id", None)):
        return True
    return bool(reader.enterprise_id) and actor.enterprise_id == reader.enterprise_id


def service_center() -> str:
    from django.utils.translation import gettext as _

    return _("服务中心")


def as_an_enterprise_reads(rows: list[HistoryRow], obj, *, reader) -> list[HistoryRow]:
    """The history as an enterprise contact may read it (`named_to_enterprise`)."""
    center = service_center()
    return [row if named_to_enterprise(row.actor, obj, reader=reader) else dataclasses.replace(row, actor=center)
            for row in rows]


def assignments_as_read(assignments: list, obj, *, reader) -> list:
    """A record's hand-overs (服务交接) with who made each (`shown_by`) as `reader` may read it."""
    hide = enterprise_reader(reader)
    for assignment in assignments:
        by = assignment.assigned_by
        assignment.shown_by = service_center() if hide and not named_to_enterprise(by, obj, reader=reader) else by
    return assignments


def _ids(model, pks) -> list:
    """The ids a related model can have among what auditlog wrote (a text that is no id finds nothing)."""
    field = model._meta.pk
    ids = []
    for pk in pks:
        try:
            ids.append(field.to_python(pk))
        except ValidationError:
            continue
    return ids


def _pair(change) -> tuple:
    if isinstance(change, list) and len(change) == 2:
        return tuple(change)
    return (None, change)


def _m2m_phrase(change: dict) -> str:
    from django.utils.translation import gettext as _

    objects = listed(change.get("objects", []))
    operation = change.get("operation", change.get("type", ""))
    if operation == "add":
        return _("新增 %(objects)s") % {"objects": objects}
    if operation == "delete":
        return _("移除 %(objects)s") % {"objects": objects}
    return _("全部移除")  # "clear"


def _display(field, value, resolved) -> str:
    from django.db import models
    from django.utils.translation import gettext as _

    if value in (None, "None", ""):
        return ""
    if field.is_relation:
        return resolved.get(field.related_model, {}).get(str(value), _("（已删除）"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return {"True": _("是"), "False": _("否")}.get(str(value), str(value))
    if isinstance(field, models.DateTimeField):
        return _local_minute(value)
    if isinstance(field, models.DecimalField):
        return _amount(value)
    return str(value)


def _amount(value) -> str:
    """An amount as people write it, the same whatever its scale in the record: 58000.0000 and 58000 read 58000,
    56000.50 reads 56000.5."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _local_minute(value) -> str:
    """auditlog keeps a time as naive UTC text with microseconds; people read it in the zone's time to the minute."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    try:
        moment = parse_datetime(str(value))
    except ValueError:
        moment = None
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
