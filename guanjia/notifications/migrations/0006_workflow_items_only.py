"""Notices and reminders name tracked items only (their items filled by 0005). Its own migration: PostgreSQL
refuses to alter a table in the transaction that wrote rows its foreign keys still have to check."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0005_workflow_items"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="remindersent", name="remindersent_unique_request"),
        migrations.RemoveField(model_name="notification", name="request"),
        migrations.RemoveField(model_name="remindersent", name="request"),
        migrations.AlterField(
            model_name="notification", name="event",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to="workflow.event"),
        ),
        migrations.AlterField(
            model_name="remindersent", name="clock",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="workflow.clock"),
        ),
        migrations.AlterField(
            model_name="remindersent", name="item",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="workflow.trackeditem"),
        ),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(condition=models.Q(("clock__isnull", True)),
                                               fields=("kind", "item", "due_at"), name="remindersent_unique_item"),
        ),
        migrations.AlterField(
            model_name="notification", name="kind",
            field=models.CharField(choices=[('new_request', '新诉求待签收'), ('letter', '直通车来信'), ('transferred', '转办待签收'), ('escalated', '诉求升级'), ('returned', '退单待仲裁'), ('withdrawn', '任务撤回'), ('feedback', '部门反馈'), ('extended', '诉求延期'), ('extension_applied', '延期申请待审批'), ('extension_approved', '延期申请已批准'), ('extension_denied', '延期申请已驳回'), ('material_needed', '请补充材料'), ('material_supplied', '企业补充材料'), ('reopened', '诉求重办'), ('rate_asked', '请评价办理结果'), ('action_assigned', '会议交办事项'), ('action_done', '督办事项已完成'), ('due_soon', '临期提醒'), ('overdue', '超期催办'), ('overdue_escalation', '超期升级'), ('rate_reminder', '评价提醒')], max_length=30, verbose_name="类型"),
        ),
    ]
