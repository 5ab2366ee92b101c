"""Every action item has its tracked item (made by 0003). Its own migration: PostgreSQL refuses to alter a table
in the transaction that wrote rows its foreign keys still have to check."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0003_action_items_tracked"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actionitem", name="item",
            field=models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="workflow.trackeditem"),
        ),
    ]
