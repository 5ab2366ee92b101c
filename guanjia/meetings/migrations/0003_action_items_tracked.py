"""A meeting's action items (督办事项) become tracked items of the workflow kernel: each gains its item, a clock
for its deadline (as it stood: working days from the meeting, or a chosen date), a timeline (会议交办, and 办结
for those done) and, while open, a place in its owner unit's and owner person's 我的待办."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models


def _calendar():
    """The working calendar, read once; None if it cannot be (its reads sit in a savepoint, so that a failed one
    leaves PostgreSQL's transaction usable)."""
    from django.db import transaction

    try:
        from guanjia.core.calendar import WorkingCalendar

        with transaction.atomic():
            return WorkingCalendar.load()
    except Exception:  # noqa: BLE001 - the migration never fails over a warning's precision
        return None


def _warn_at(due, calendar):
    """Due soon from the start of the working day before the due day (the kernel's default, one working day)."""
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    day = timezone.localtime(due, tz).date()
    try:
        day -= dt.timedelta(days=1)
        while calendar is not None and not calendar.is_working_day(day) or calendar is None and day.weekday() >= 5:
            day -= dt.timedelta(days=1)
    except Exception:  # noqa: BLE001 - no calendar for that year: the day before
        day = timezone.localtime(due, tz).date() - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def forwards(apps, schema_editor):
    from django.utils import timezone

    ActionItem = apps.get_model("meetings", "ActionItem")
    TrackedItem = apps.get_model("workflow", "TrackedItem")
    Clock = apps.get_model("workflow", "Clock")
    ClockEvent = apps.get_model("workflow", "ClockEvent")
    Event = apps.get_model("workflow", "Event")
    Duty = apps.get_model("workflow", "Duty")
    calendar = _calendar()
    for item in ActionItem.objects.select_related("meeting", "request", "project").order_by("pk"):
        meeting, request, project = item.meeting, item.request, item.project
        is_open = item.status == "open"
        warn_at = _warn_at(item.deadline, calendar)
        tracked = TrackedItem.objects.create(
            kind="action_item", object_id=item.pk, zone_id=meeting.zone_id,
            parent_id=request.item_id if request is not None else None,
            number=request.number if request is not None else "",
            title=(item.text.splitlines()[0] if item.text else "")[:200],
            enterprise_id=(request.enterprise_id if request is not None
                           else project.enterprise_id if project is not None else None),
            project_id=item.project_id, person_id=item.owner_person_id, unit_id=item.owner_unit_id,
            status=item.status, is_open=is_open, due_at=item.deadline if is_open else None,
            warn_at=warn_at if is_open else None, due_provisional=is_open and item.deadline_provisional,
            created_at=item.created_at, updated_at=item.updated_at)
        ActionItem.objects.filter(pk=item.pk).update(item=tracked)
        if item.deadline_days:
            amount, data = item.deadline_days, {"measure": "days", "amount": item.deadline_days, "fixed": False}
        else:
            chosen = item.deadline_date or timezone.localtime(item.deadline).date()
            amount = 0
            data = {"measure": "days", "amount": 0, "fixed": True, "until": chosen.isoformat(),
                    "earliest": timezone.localtime(item.created_at).date().isoformat()}
        clock = Clock.objects.create(
            item=tracked, kind="deadline", measure="days", amount=amount, warn=1, started_at=meeting.starts_at,
            due_at=item.deadline, warn_at=warn_at, provisional=item.deadline_provisional,
            stopped_at=None if is_open else (item.done_at or item.updated_at))
        ClockEvent.objects.create(clock=clock, kind="start", at=meeting.starts_at, data=data)
        Event.objects.create(item=tracked, actor_id=item.created_by_id, at=item.created_at, action="add",
                             to_status="open", comment=item.text)
        if not is_open:
            ClockEvent.objects.create(clock=clock, kind="stop", at=clock.stopped_at)
            Event.objects.create(item=tracked, actor_id=item.done_by_id, at=clock.stopped_at, action="complete",
                                 from_status="open", to_status="done", comment=item.result)
        else:
            duty = {"item": tracked, "actionable": True, "zone_id": meeting.zone_id, "kind": "action_item",
                    "due_at": item.deadline}
            Duty.objects.create(party=f"unit:{item.owner_unit_id}", **duty)
            if item.owner_person_id:
                Duty.objects.create(party=f"person:{item.owner_person_id}", **duty)


def backwards(apps, schema_editor):
    ActionItem = apps.get_model("meetings", "ActionItem")
    TrackedItem = apps.get_model("workflow", "TrackedItem")
    ActionItem.objects.update(item=None)
    TrackedItem.objects.filter(kind="action_item").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0002_actionitem_deadline_date"),
        ("requests", "0010_move_to_workflow"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionitem", name="item",
            field=models.OneToOneField(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="workflow.trackeditem"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
