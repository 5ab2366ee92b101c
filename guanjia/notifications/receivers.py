"""Listens to every tracked item's timeline: each committed event may tell someone (its workflow says whom)."""

import contextlib
import logging
from contextvars import ContextVar

from django.dispatch import receiver

from guanjia.workflow.signals import event_committed

logger = logging.getLogger("guanjia.notifications")

_muted: ContextVar[bool] = ContextVar("guanjia_notifications_muted", default=False)


@contextlib.contextmanager
def muted():
    """Tell nobody of the events committed in this block (a demo replaying a year of past work, a bulk import)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@receiver(event_committed, dispatch_uid="notifications-event")
def on_event(sender, event_id: int, **kwargs) -> None:
    """Enqueue the job that writes and sends the event's notices; never raises into the request's code."""
    from guanjia.notifications import tasks

    if _muted.get():
        return
    try:
        tasks.notify_event(event_id)
    except Exception:  # the change has committed; a lost notice is logged, never the caller's failure
        logger.exception("could not enqueue the notices of event %s", event_id)
