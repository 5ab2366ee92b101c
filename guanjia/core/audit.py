"""Who changed what, from where: the context that every audit row (django-auditlog) records.

Requests set it in `AuditContextMiddleware` (source web or api; the actor is read
from the request lazily, so API token users are known too); imports and
commands set it with `audit_context`. One `pre_save` receiver on LogEntry
fills actor and source, so the trail is the same whatever wrote the record.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import pre_save

from guanjia.core.choices import AuditSource


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
    """One audit row as the history tab shows it: field changes with labels and display values."""

    timestamp: Any
    actor: Any
    source: str
    action: int
    changes: list[tuple[str, str, str]]


HISTORY_LIMIT = 200


def history_for(obj, *, hidden: frozenset[str] | set[str] = frozenset()) -> list[HistoryRow]:
    """The newest audit rows of one record, with a fixed number of queries however many there are.

    auditlog's own display resolves every foreign key and content type row by row;
    here the referenced objects are fetched in one query per related model. Changes of the `hidden`
    fields are left out (what the reader may not see), and so is an update that changed nothing else.
    """
    from auditlog.models import LogEntry

    entries = list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")[:HISTORY_LIMIT]
    )
    fields = {f.name: f for f in obj._meta.concrete_fields}
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
        model: {str(pk): str(o) for pk, o in model._default_manager.in_bulk(list(pks)).items()}
        for model, pks in wanted.items()
    }
    rows = []
    for entry in entries:
        changes = []
        shown = {name: change for name, change in (entry.changes_dict or {}).items() if name not in hidden}
        if hidden and not shown and entry.changes_dict and entry.action == LogEntry.Action.UPDATE:
            continue
        for name, change in shown.items():
            field = fields.get(name)
            label = str(field.verbose_name) if field is not None else name
            changes.append((label, *(_display(field, value, resolved) for value in _pair(change))))
        rows.append(HistoryRow(entry.timestamp, entry.actor, (entry.additional_data or {}).get("source", ""),
                               entry.action, changes))
    return rows


def _pair(change) -> tuple:
    if isinstance(change, list) and len(change) == 2:
        return tuple(change)
    if isinstance(change, dict):  # many-to-many: {"type": "add", "objects": [...]}
        objects = "、".join(str(o) for o in change.get("objects", []))
        return ("", f"{change.get('operation', change.get('type', ''))} {objects}".strip())
    return ("", str(change))


def _display(field, value, resolved) -> str:
    if value in (None, "None"):
        return ""
    if field is None:
        return str(value)
    if field.is_relation and not field.many_to_many:
        return resolved.get(field.related_model, {}).get(str(value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
