"""Notices and reminders name tracked items of the workflow kernel, not requests; a notice keeps its words as
messages, to be shown in each reader's language."""

import django.db.models.deletion
from django.db import migrations, models


def to_items(apps, schema_editor):
    """Each notice's request becomes its item; a reminder's item is its clock's (a unit's clock: its task's)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("""
            UPDATE notifications_notification SET item_id = (
                SELECT r.item_id FROM requests_request r WHERE r.id = notifications_notification.request_id)
             WHERE request_id IS NOT NULL""")
        cursor.execute("""
            UPDATE notifications_remindersent SET item_id = COALESCE(
                (SELECT c.item_id FROM workflow_clock c WHERE c.id = notifications_remindersent.clock_id),
                (SELECT r.item_id FROM requests_request r WHERE r.id = notifications_remindersent.request_id))""")


def to_requests(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in ("notifications_notification", "notifications_remindersent"):
            cursor.execute(f"""
                UPDATE {table} SET request_id = (
                    SELECT r.id FROM requests_request r
                      JOIN workflow_trackeditem i ON i.id = {table}.item_id
                     WHERE r.item_id = COALESCE(i.parent_id, i.id))
                 WHERE item_id IS NOT NULL""")  # noqa: S608 - our own table names


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0004_kind_extension_applications"),
        ("requests", "0010_move_to_workflow"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification", name="content",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="notification", name="item",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="workflow.trackeditem", verbose_name="事项"),
        ),
        migrations.AddField(
            model_name="remindersent", name="item",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="workflow.trackeditem"),
        ),
        migrations.RunPython(to_items, to_requests),
    ]
