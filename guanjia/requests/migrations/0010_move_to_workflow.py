"""Requests move onto the workflow kernel (step 2 of 3): every existing row is kept.

- a tracked item for each request, unit task and extension application, with whom it waits
  for now (its duties: 我的待办) and its soonest running deadline;
- the clocks with their ledger, the timeline and the attachments are copied into the kernel's
  tables under the same ids (notices and reminders that name them keep pointing at them); a
  unit's clock now belongs to its task's item.

Written in SQL (INSERT … SELECT) for the bulk of the rows, so that a province's million requests
move in minutes; only open items' duties and running clocks' summaries are computed here. The
rules below are this migration's own copy of requests/workflow.py as it stood (a later change
there must not change what this migration did).
"""

import datetime as dt
from collections import defaultdict

from django.core.management.color import no_style
from django.db import migrations

TERMINAL = ("closed", "merged")
OPEN_TASK = ("pending", "signed")
BUTLER_ACTS = ("submitted", "accepted", "in_units", "escalated")
BATCH = 5000


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _request_duties(status, zone, butler, escalated_to, suspend_reason, enterprise, addressed_leader):
    owner = f"butler:{butler}" if butler else f"admin@{zone}"
    duties = []
    if status in BUTLER_ACTS:
        duties.append((owner, True))
    elif status in ("transferred", "returned", "suspended"):
        duties.append((owner, False))
    if status == "returned":
        duties.append((f"admin@{zone}", True))
    elif status == "escalated":
        duties.append((f"admin@{zone}" if escalated_to == "meeting" else f"leader@{zone}", True))
    elif status == "suspended" and suspend_reason == "awaiting_material" or status == "resolved":
        duties.append((f"enterprise:{enterprise}", True))
    if addressed_leader and status not in TERMINAL and status != "resolved":
        duties.append((f"leader:{addressed_leader}", True))
    merged = {}
    for party, actionable in duties:
        merged[party] = merged.get(party, False) or actionable
    return merged.items()


def _warn_at(due, measure, warn, calendar):
    """When a deadline turns due soon, as the kernel counts it (working days before the due day, or hours)."""
    from django.utils import timezone

    if measure == "hours":
        return due - dt.timedelta(hours=warn)
    tz = timezone.get_default_timezone()
    day = timezone.localtime(due, tz).date()
    counted = 0
    try:
        while counted < warn:
            day -= dt.timedelta(days=1)
            if calendar is not None and calendar.is_working_day(day) or calendar is None and day.weekday() < 5:
                counted += 1
    except Exception:  # noqa: BLE001 - no calendar for that year: plain days
        day = timezone.localtime(due, tz).date() - dt.timedelta(days=warn)
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


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


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    true, false = ("TRUE", "FALSE")
    with connection.cursor() as cursor:
        # 1. The tracked items.
        cursor.execute(f"""
            INSERT INTO workflow_trackeditem (kind, object_id, zone_id, parent_id, number, title, enterprise_id,
                project_id, person_id, unit_id, status, is_open, due_at, warn_at, due_provisional, paused,
                created_at, updated_at)
            SELECT 'request', r.id, r.zone_id, NULL, r.number, r.title, r.enterprise_id, r.project_id, r.butler_id,
                r.lead_unit_id, r.status, CASE WHEN r.status IN ({_in(TERMINAL)}) THEN {false} ELSE {true} END,
                NULL, NULL, {false}, {false}, r.created_at, r.updated_at
              FROM requests_request r""")
        cursor.execute("""
            UPDATE requests_request SET item_id = (SELECT i.id FROM workflow_trackeditem i
                                                   WHERE i.kind = 'request' AND i.object_id = requests_request.id)""")
        cursor.execute(f"""
            INSERT INTO workflow_trackeditem (kind, object_id, zone_id, parent_id, number, title, enterprise_id,
                project_id, person_id, unit_id, status, is_open, due_at, warn_at, due_provisional, paused,
                created_at, updated_at)
            SELECT 'unit_task', t.id, r.zone_id, r.item_id, r.number, r.title, r.enterprise_id, r.project_id, NULL,
                t.unit_id, t.status, CASE WHEN t.status IN ({_in(OPEN_TASK)}) THEN {true} ELSE {false} END,
                NULL, NULL, {false}, {false}, t.created_at, t.updated_at
              FROM requests_unittask t JOIN requests_request r ON r.id = t.request_id""")
        cursor.execute("""
            UPDATE requests_unittask SET item_id = (SELECT i.id FROM workflow_trackeditem i
                                                    WHERE i.kind = 'unit_task' AND i.object_id = requests_unittask.id)""")
        cursor.execute(f"""
            INSERT INTO workflow_trackeditem (kind, object_id, zone_id, parent_id, number, title, enterprise_id,
                project_id, person_id, unit_id, status, is_open, due_at, warn_at, due_provisional, paused,
                created_at, updated_at)
            SELECT 'extension_application', a.id, r.zone_id, r.item_id, r.number, r.title, r.enterprise_id,
                r.project_id, a.applicant_id, a.unit_id, a.status,
                CASE WHEN a.status = 'pending' THEN {true} ELSE {false} END,
                NULL, NULL, {false}, {false}, a.created_at, a.updated_at
              FROM requests_extensionapplication a JOIN requests_request r ON r.id = a.request_id""")
        cursor.execute("""
            UPDATE requests_extensionapplication SET item_id = (
                SELECT i.id FROM workflow_trackeditem i
                 WHERE i.kind = 'extension_application' AND i.object_id = requests_extensionapplication.id)""")

        # 2. Clocks (a unit's is its task's), their ledger, the timeline and the attachments, ids kept.
        cursor.execute("""
            INSERT INTO workflow_clock (id, item_id, kind, measure, amount, warn, started_at, due_at, warn_at,
                provisional, paused_at, stopped_at, cancelled)
            SELECT c.id, COALESCE(t.item_id, r.item_id), c.kind, c.measure, c.amount,
                CASE WHEN c.measure = 'hours' THEN c.warn_hours WHEN c.warn_hours < 48 THEN 1
                     ELSE c.warn_hours / 24 END,
                c.started_at, c.due_at, NULL, c.provisional, c.paused_at, c.stopped_at, c.cancelled
              FROM requests_clock c JOIN requests_request r ON r.id = c.request_id
              LEFT JOIN requests_unittask t ON t.id = c.unit_task_id""")
        cursor.execute("""
            INSERT INTO workflow_clockevent (id, clock_id, kind, at, data)
            SELECT id, clock_id, kind, at, data FROM requests_clockevent""")
        cursor.execute("""
            INSERT INTO workflow_event (id, item_id, actor_id, at, action, from_status, to_status, comment, internal,
                unit_id, data)
            SELECT e.id, r.item_id, e.actor_id, e.at, e.action, e.from_status, e.to_status, e.comment, e.internal,
                e.unit_id, e.data
              FROM requests_requestevent e JOIN requests_request r ON r.id = e.request_id""")
        cursor.execute("""
            INSERT INTO workflow_attachment (id, item_id, event_id, file, name, size, content_type, uploaded_by_id,
                uploaded_at, internal)
            SELECT a.id, r.item_id, a.event_id, a.file, a.name, a.size, a.content_type, a.uploaded_by_id,
                a.uploaded_at, a.internal
              FROM requests_attachment a JOIN requests_request r ON r.id = a.request_id""")
    _reset_sequences(apps, connection)
    _duties(apps, connection)
    _deadlines(apps, connection)


def _reset_sequences(apps, connection):
    models = [apps.get_model("workflow", name) for name in ("Clock", "ClockEvent", "Event", "Attachment")]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _insert_duties(connection, rows):
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany("INSERT INTO workflow_duty (item_id, party, actionable, zone_id, kind) "
                               "VALUES (%s, %s, %s, %s, %s)", rows[start:start + BATCH])


def _duties(apps, connection):
    """Whom each open item waits for now (我的待办)."""
    Request = apps.get_model("requests", "Request")
    UnitTask = apps.get_model("requests", "UnitTask")
    ExtensionApplication = apps.get_model("requests", "ExtensionApplication")
    rows = []
    suspended = set()
    for item, status, zone, butler, escalated_to, reason, enterprise, leader in (
            Request.objects.exclude(status__in=TERMINAL).values_list(
                "item_id", "status", "zone_id", "butler_id", "escalated_to", "suspend_reason", "enterprise_id",
                "addressed_leader_id").iterator(chunk_size=BATCH)):
        if status == "suspended":
            suspended.add(item)
        rows += [(item, party, actionable, zone, "request") for party, actionable in
                 _request_duties(status, zone, butler, escalated_to, reason, enterprise, leader)]
    for item, unit, parent, zone in UnitTask.objects.filter(status__in=OPEN_TASK).values_list(
            "item_id", "unit_id", "request__item_id", "request__zone_id").iterator(chunk_size=BATCH):
        rows.append((item, f"unit:{unit}", parent not in suspended, zone, "unit_task"))
    for item, zone in ExtensionApplication.objects.filter(status="pending").values_list(
            "item_id", "request__zone_id"):
        rows += [(item, f"admin@{zone}", True, zone, "extension_application"),
                 (item, f"leader@{zone}", True, zone, "extension_application")]
    _insert_duties(connection, rows)


def _deadlines(apps, connection):
    """Each running clock's due-soon moment, and each item's soonest running deadline."""
    Clock = apps.get_model("workflow", "Clock")
    calendar = _calendar()
    by_item = defaultdict(list)
    warns = []
    for pk, item, due, measure, warn, provisional, paused in Clock.objects.filter(
            stopped_at__isnull=True, cancelled=False).values_list(
            "pk", "item_id", "due_at", "measure", "warn", "provisional", "paused_at").iterator(chunk_size=BATCH):
        warn_at = _warn_at(due, measure, warn, calendar)
        warns.append((warn_at, pk))
        by_item[item].append((due, warn_at, provisional, paused))
    with connection.cursor() as cursor:
        for start in range(0, len(warns), BATCH):
            cursor.executemany("UPDATE workflow_clock SET warn_at = %s WHERE id = %s",
                               [(connection.ops.adapt_datetimefield_value(w), pk) for w, pk in
                                warns[start:start + BATCH]])
    adapt, summaries, paused_items = connection.ops.adapt_datetimefield_value, [], []
    for item, rows in by_item.items():
        counting = [row for row in rows if row[3] is None]
        if counting:
            due, warn_at, provisional, _paused = min(counting, key=lambda row: row[0])
            summaries.append((adapt(due), adapt(warn_at), provisional, item))
        else:
            paused_items.append((item,))
    with connection.cursor() as cursor:
        for start in range(0, len(summaries), BATCH):
            cursor.executemany("UPDATE workflow_trackeditem SET due_at = %s, warn_at = %s, due_provisional = %s "
                               "WHERE id = %s", summaries[start:start + BATCH])
        for start in range(0, len(paused_items), BATCH):
            cursor.executemany("UPDATE workflow_trackeditem SET paused = TRUE WHERE id = %s",
                               paused_items[start:start + BATCH])
        # Each duty carries its item's deadline (我的待办 is sorted on the duties).
        cursor.execute("UPDATE workflow_duty SET due_at = (SELECT i.due_at FROM workflow_trackeditem i "
                       "WHERE i.id = workflow_duty.item_id)")


def backwards(apps, schema_editor):
    """Back: the old tables still hold every row (they are dropped by step 3); the kernel's copies go."""
    with schema_editor.connection.cursor() as cursor:
        for table in ("workflow_attachment", "workflow_event", "workflow_clockevent", "workflow_clock",
                      "workflow_duty"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        cursor.execute("UPDATE requests_request SET item_id = NULL")
        cursor.execute("UPDATE requests_unittask SET item_id = NULL")
        cursor.execute("UPDATE requests_extensionapplication SET item_id = NULL")
        cursor.execute("DELETE FROM workflow_trackeditem WHERE kind IN "
                       "('request', 'unit_task', 'extension_application')")


class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0009_workflow_items"),
        ("workflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
