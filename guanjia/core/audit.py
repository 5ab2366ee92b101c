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
        instance.remote_addr = request.META.get("REMOTE_ADDR")


def connect() -> None:
    from auditlog.models import LogEntry

    pre_save.connect(_fill_log_entry, sender=LogEntry, dispatch_uid="guanjia-audit-context")


def history_for(obj) -> list:
    """The audit rows of one record, newest first, with their actors (two queries)."""
    from auditlog.models import LogEntry

    return list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")
    )
