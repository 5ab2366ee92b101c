"""Requests, unit tasks and extension applications become tracked items of the workflow kernel (step 1 of 3):
each gains its `item`; a rule's due-soon warning is counted in its own measure (working days or hours)."""

import django.db.models.deletion
from django.db import migrations, models


def warn_in_days(apps, schema_editor):
    """A working-day rule warned so many hours ahead: now it warns whole working days before the due day, at
    least one (the reminder of a working-day deadline came the working day before it)."""
    ClockRule = apps.get_model("requests", "ClockRule")
    for rule in ClockRule.objects.filter(measure="days"):
        rule.warn = max(rule.warn // 24, 1)
        rule.save(update_fields=["warn"])


def warn_in_hours(apps, schema_editor):
    ClockRule = apps.get_model("requests", "ClockRule")
    for rule in ClockRule.objects.filter(measure="days"):
        rule.warn = rule.warn * 24
        rule.save(update_fields=["warn"])


ITEM = models.OneToOneField(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                            related_name="+", to="workflow.trackeditem")


class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0008_extension_application_withdrawn"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="request", name="item", field=ITEM.clone()),
        migrations.AddField(model_name="unittask", name="item", field=ITEM.clone()),
        migrations.AddField(model_name="extensionapplication", name="item", field=ITEM.clone()),
        migrations.RenameField(model_name="clockrule", old_name="warn_hours", new_name="warn"),
        migrations.AlterField(
            model_name="clockrule", name="warn",
            field=models.PositiveIntegerField(default=1, verbose_name="临期提醒"),
        ),
        migrations.RunPython(warn_in_days, warn_in_hours),
        migrations.AlterField(
            model_name="clockrule", name="warn",
            field=models.PositiveSmallIntegerField(
                default=1, verbose_name="临期提醒",
                help_text="到期前多久转为临期（黄牌）：按工作日计时的为到期日前的工作日数（0 为到期当天），按小时计时的为小时数。"),
        ),
    ]
