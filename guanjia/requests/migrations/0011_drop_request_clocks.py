"""Requests on the workflow kernel (step 3 of 3): the clocks, ledger, timeline and attachments now live in the
kernel's tables (copied by 0010), so the requests' own copies go, and every request, task and application has
its tracked item."""

import django.db.models.deletion
from django.db import migrations, models

ITEM = models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                            to="workflow.trackeditem")


class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0010_move_to_workflow"),
        ("notifications", "0006_workflow_items_only"),
    ]

    operations = [
        migrations.DeleteModel(name="Attachment"),
        migrations.DeleteModel(name="ClockEvent"),
        migrations.DeleteModel(name="Clock"),
        migrations.DeleteModel(name="RequestEvent"),
        migrations.AlterField(model_name="request", name="item", field=ITEM.clone()),
        migrations.AlterField(model_name="unittask", name="item", field=ITEM.clone()),
        migrations.AlterField(model_name="extensionapplication", name="item", field=ITEM.clone()),
    ]
