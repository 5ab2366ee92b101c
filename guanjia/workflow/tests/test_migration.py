"""The move onto the workflow kernel keeps every existing row: requests, their unit tasks and extension
applications, clocks and their ledger, timeline, attachments, notices and reminders, and action items.

Rows are written as the product stood before (the historical models of requests 0008), then the
migrations run forward, as on an installed system.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = [("requests", "0008_extension_application_withdrawn"), ("meetings", "0002_actionitem_deadline_date"),
          ("notifications", "0004_kind_extension_applications"), ("org", "0002_roles"),
          ("enterprises", "0005_note_length")]  # before the internal note: the rows written here know `note`


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_requests_and_action_items_move_onto_the_kernel():
    old = _migrate(BEFORE)
    Zone, User = old.get_model("org", "Zone"), old.get_model("org", "User")
    Unit, Enterprise = old.get_model("org", "Unit"), old.get_model("enterprises", "Enterprise")
    Request, UnitTask = old.get_model("requests", "Request"), old.get_model("requests", "UnitTask")
    Clock, ClockEvent = old.get_model("requests", "Clock"), old.get_model("requests", "ClockEvent")
    RequestEvent, Attachment = old.get_model("requests", "RequestEvent"), old.get_model("requests", "Attachment")
    Application = old.get_model("requests", "ExtensionApplication")
    ClockRule = old.get_model("requests", "ClockRule")
    Notification, ReminderSent = old.get_model("notifications", "Notification"), old.get_model(
        "notifications", "ReminderSent")
    Meeting, ActionItem = old.get_model("meetings", "Meeting"), old.get_model("meetings", "ActionItem")

    zone = Zone.objects.create(name="迁移园区", code="mig")
    butler = User.objects.create(username="mig-butler", zone=zone)
    handler = User.objects.create(username="mig-unit", zone=zone)
    unit = Unit.objects.create(zone=zone, name="供电公司", kind="company")
    enterprise = Enterprise.objects.create(zone=zone, name="迁移测试企业", uscc="91610400MA6XXXXX01", butler=butler)
    ClockRule.objects.create(zone=zone, kind="resolution", measure="days", amount=20, warn_hours=48)
    sign_rule = ClockRule.objects.create(zone=zone, kind="sign", measure="days", amount=1, warn_hours=4)
    common = {"zone": zone, "enterprise": enterprise, "source": "visit", "category": "factors",
              "description": "x", "butler": butler}
    moving = Request.objects.create(number="GJ-2026-000001", title="在办", status="in_units", lead_unit=unit,
                                    due_at=at(2026, 3, 20, 23, 59, 59, 999999), **common)
    closed = Request.objects.create(number="GJ-2026-000002", title="已关闭", status="closed", **common)
    task = UnitTask.objects.create(request=moving, unit=unit, role="lead", status="signed",
                                   due_at=at(2026, 3, 13, 23, 59, 59, 999999))
    resolution = Clock.objects.create(request=moving, kind="resolution", measure="days", amount=15,
                                      started_at=at(2026, 3, 2, 9), due_at=at(2026, 3, 20, 23, 59, 59, 999999),
                                      warn_hours=48)
    unit_clock = Clock.objects.create(request=moving, unit_task=task, kind="unit", measure="days", amount=10,
                                      started_at=at(2026, 3, 2, 9), due_at=at(2026, 3, 13, 23, 59, 59, 999999))
    stopped = Clock.objects.create(request=closed, kind="sign", measure="days", amount=1, started_at=at(2026, 3, 2),
                                   due_at=at(2026, 3, 3, 23, 59, 59, 999999), stopped_at=at(2026, 3, 2, 10))
    ledger = ClockEvent.objects.create(clock=unit_clock, kind="start", at=at(2026, 3, 2, 9),
                                       data={"measure": "days", "amount": 10})
    event = RequestEvent.objects.create(request=moving, actor=butler, at=at(2026, 3, 2, 9), action="transfer",
                                        from_status="accepted", to_status="transferred", comment="请供电公司办理",
                                        unit=unit, data={"lead_unit": unit.pk, "co_units": []})
    file = Attachment.objects.create(request=moving, event=event, file=f"requests/{moving.pk}/a.pdf", name="a.pdf",
                                     size=4, content_type="application/pdf", uploaded_by=butler)
    application = Application.objects.create(request=moving, applicant=handler, unit=unit, days=3, reason="材料")
    notice = Notification.objects.create(zone=zone, recipient=handler, kind="transferred", title="转办待签收",
                                         request=moving, event=event)
    reminded = ReminderSent.objects.create(kind="due_soon", request=moving, clock=unit_clock,
                                           due_at=unit_clock.due_at)
    rated = ReminderSent.objects.create(kind="rate", request=closed, due_at=at(2026, 3, 5))
    meeting = Meeting.objects.create(zone=zone, title="会办会", starts_at=at(2026, 3, 2, 9), convener=butler,
                                     status="held")
    action_item = ActionItem.objects.create(meeting=meeting, text="出具方案\n细节", owner_unit=unit, request=moving,
                                            deadline=at(2026, 3, 9, 23, 59, 59, 999999), deadline_days=5,
                                            created_by=butler)

    new = _migrate(_latest())
    Item, Duty = new.get_model("workflow", "TrackedItem"), new.get_model("workflow", "Duty")
    KernelClock, KernelEvent = new.get_model("workflow", "Clock"), new.get_model("workflow", "Event")
    request = new.get_model("requests", "Request").objects.get(pk=moving.pk)
    item = Item.objects.get(pk=request.item_id)
    assert (item.kind, item.object_id, item.status, item.is_open, item.number, item.person_id, item.unit_id) == (
        "request", moving.pk, "in_units", True, "GJ-2026-000001", butler.pk, unit.pk)
    assert set(Duty.objects.filter(item=item).values_list("party", "actionable")) == {(f"butler:{butler.pk}", True)}
    assert not Item.objects.get(kind="request", object_id=closed.pk).is_open
    task_item = Item.objects.get(pk=new.get_model("requests", "UnitTask").objects.get(pk=task.pk).item_id)
    assert (task_item.parent_id, task_item.unit_id, task_item.is_open) == (item.pk, unit.pk, True)
    assert set(Duty.objects.filter(item=task_item).values_list("party", "actionable")) == {(f"unit:{unit.pk}", True)}
    assert task_item.due_at == task.due_at  # the unit's own deadline
    assert item.due_at == resolution.due_at and item.warn_at == at(2026, 3, 18)  # 48 h: two working days
    # Clocks, ledger, timeline and files keep their ids; a unit's clock now hangs from its task's item.
    assert KernelClock.objects.get(pk=unit_clock.pk).item_id == task_item.pk
    assert KernelClock.objects.get(pk=resolution.pk).item_id == item.pk
    assert KernelClock.objects.get(pk=stopped.pk).stopped_at == at(2026, 3, 2, 10)
    assert new.get_model("workflow", "ClockEvent").objects.get(pk=ledger.pk).data == {"measure": "days",
                                                                                      "amount": 10}
    moved = KernelEvent.objects.get(pk=event.pk)
    assert (moved.item_id, moved.action, moved.comment, moved.unit_id) == (item.pk, "transfer", "请供电公司办理", unit.pk)
    assert new.get_model("workflow", "Attachment").objects.get(pk=file.pk).file == f"requests/{moving.pk}/a.pdf"
    app_item = Item.objects.get(kind="extension_application", object_id=application.pk)
    assert set(Duty.objects.filter(item=app_item).values_list("party", flat=True)) == {f"admin@{zone.pk}",
                                                                                        f"leader@{zone.pk}"}
    NewNotification, NewReminder = new.get_model("notifications", "Notification"), new.get_model(
        "notifications", "ReminderSent")
    assert (NewNotification.objects.get(pk=notice.pk).item_id, NewNotification.objects.get(pk=notice.pk).event_id) == (
        item.pk, event.pk)
    assert NewReminder.objects.get(pk=reminded.pk).item_id == task_item.pk  # the clock's item
    assert NewReminder.objects.get(pk=rated.pk).item_id == Item.objects.get(kind="request", object_id=closed.pk).pk
    rules = dict(new.get_model("requests", "ClockRule").objects.values_list("pk", "warn"))
    assert rules[sign_rule.pk] == 1  # 4 hours ahead: a working day at least
    tracked = Item.objects.get(kind="action_item", object_id=action_item.pk)
    assert (tracked.title, tracked.parent_id, tracked.due_at, tracked.is_open) == (
        "出具方案", item.pk, action_item.deadline, True)
    assert set(Duty.objects.filter(item=tracked).values_list("party", flat=True)) == {f"unit:{unit.pk}"}
    assert list(KernelEvent.objects.filter(item=tracked).values_list("action", flat=True)) == ["add"]
    item_clock = KernelClock.objects.get(item=tracked)
    assert (item_clock.due_at, item_clock.amount, item_clock.started_at) == (action_item.deadline, 5, meeting.starts_at)
