"""The timeline (办理过程) of any tracked item: one row per event, with its attachments.

Each committed row is announced (`signals.event_committed`) once the transaction commits, so
that notices go out for work that was saved, never for work that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from guanjia.core.clock import now as service_now
from guanjia.workflow.attachments import remember_stored, shown_name
from guanjia.workflow.models import Attachment, Event
from guanjia.workflow.signals import event_committed


def record(*, item_id: int, actor, action: str, from_status: str = "", to_status: str = "", comment: str = "",
           internal: bool = False, unit=None, data: dict | None = None, attachments: Iterable = (),
           at: dt.datetime | None = None) -> Event:
    """Write one timeline row (and its attachments); it is announced once the transaction commits."""
    event = Event.objects.create(
        item_id=item_id, actor=actor, at=at or service_now(), action=action, from_status=from_status,
        to_status=to_status, comment=comment, internal=internal, unit=unit, data=data or {},
    )
    store_attachments(item_id=item_id, event=event, actor=actor, files=attachments, internal=internal)
    transaction.on_commit(lambda: event_committed.send(sender=Event, event_id=event.pk))
    return event


def store_attachments(*, item_id: int, event: Event | None, actor, files: Iterable, internal: bool) -> None:
    for upload in files:
        attachment = Attachment(item_id=item_id, event=event, name=shown_name(upload.name), size=upload.size,
                                content_type=getattr(upload, "content_type", "") or "", uploaded_by=actor,
                                internal=internal)
        attachment.file.save(upload.name, upload, save=False)
        remember_stored(attachment.file.name)  # so that it goes if the change fails after this
        attachment.save()


def events_of(item_id: int, *, enterprise_view: bool = False):
    """An item's timeline, oldest first, with who acted and the files; an enterprise's contacts see no
    internal row."""
    events = (Event.objects.filter(item=item_id).select_related("item", "actor", "unit")
              .prefetch_related("attachments"))
    return events.filter(internal=False) if enterprise_view else events
