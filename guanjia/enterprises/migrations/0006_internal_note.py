"""The staff's 备注 about an enterprise becomes its internal note (内部备注), which no enterprise contact sees.

The column keeps its data (a rename); the audit rows that recorded changes of `note` are renamed with it, so that
the history tab labels them as the internal note and hides them from the enterprise's contacts.
"""

import guanjia.core.text
from django.db import migrations, models


def _rename_in_history(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    content_type = ContentType.objects.filter(app_label="enterprises", model="enterprise").first()
    if content_type is None:
        return
    entries = LogEntry.objects.filter(content_type=content_type, changes__has_key=old)
    for entry in entries.only("pk", "changes").iterator(chunk_size=2000):
        entry.changes = {(new if key == old else key): value for key, value in entry.changes.items()}
        entry.save(update_fields=["changes"])


def forwards(apps, schema_editor):
    _rename_in_history(apps, "note", "internal_note")


def backwards(apps, schema_editor):
    _rename_in_history(apps, "internal_note", "note")


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0005_note_length"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameField(model_name="enterprise", old_name="note", new_name="internal_note"),
        migrations.AlterField(
            model_name="enterprise",
            name="internal_note",
            field=models.TextField(
                blank=True,
                help_text="仅园区工作人员可见，企业联系人在页面、接口和导出中都看不到。",
                validators=[guanjia.core.text.TextLengthValidator()],
                verbose_name="内部备注",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
