"""Background jobs (huey, one `guanjia run_huey` consumer): telling people of events, sending, reminding.

Each job only calls a service; the services are idempotent, so a job that runs twice
(a retry, a restarted consumer) sends nothing twice. In tests huey is in immediate
mode: a job runs in-process as soon as it is enqueued.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from guanjia.notifications import services


@db_task()
def notify_event(event_id: int) -> int:
    """Write the notices of one timeline event and make their first attempt; returns the deliveries made."""
    ids = services.notify_event(event_id=event_id)
    if ids:
        services.deliveries_send(ids=ids, limit=len(ids))
    return len(ids)


@db_task()
def notify_request_event(event_id: int) -> int:
    """The same job under its name before the workflow kernel, for jobs an upgrade finds still queued (a
    request's timeline events kept their ids when they moved to the kernel's timeline)."""
    return notify_event.call_local(event_id)


@db_task()
def send_deliveries(delivery_ids: list[int]) -> int:
    """First attempt of new deliveries (the reminders' ones); returns how many went out."""
    return services.deliveries_send(ids=delivery_ids, limit=len(delivery_ids)).sent


@db_periodic_task(crontab(minute="*"))
def send_due_deliveries() -> None:
    """Every minute: the retries whose time has come, and anything a lost enqueue left pending."""
    with lock_task("guanjia-notifications-send"):
        services.deliveries_send_due()


@db_periodic_task(crontab(minute="*/15"))
def run_reminders() -> None:
    """Every 15 minutes: due-soon, overdue, escalation and rating reminders (it does nothing off hours)."""
    from guanjia.notifications.reminders import reminders_run

    with lock_task("guanjia-notifications-reminders"):
        reminders_run()
