from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanjia.workflow import registry
from guanjia.workflow.models import item_colour, item_state


class WorklistItemSerializer(serializers.Serializer):
    """One row of 我的待办 (API.md): an open item of any workflow, with its own deadline."""

    kind = serializers.CharField(help_text=_("事项类型：request, unit_task, extension_application, action_item …"))
    kind_display = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="object_id", help_text=_("该类型事项自身的 id（如诉求的 id）。"))
    item = serializers.IntegerField(source="pk", help_text=_("工作流事项（TrackedItem）的 id。"))
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.SerializerMethodField()
    enterprise_name = serializers.CharField(source="enterprise__name", allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text=_("该事项自身的最近时限（部门任务为部门办理时限）。"))
    due_provisional = serializers.BooleanField()
    state = serializers.SerializerMethodField(help_text=_("on_track, due_soon, overdue, paused；无时限为 null。"))
    colour = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_kind_display(self, row) -> str:
        workflow = registry.find(row["kind"])
        return str(workflow.label) if workflow is not None else row["kind"]

    def get_status_display(self, row) -> str:
        workflow = registry.find(row["kind"])
        return str(workflow.status_label(row["status"])) if workflow is not None else row["status"]

    def _fields(self, row) -> dict:
        return {"is_open": row["is_open"], "paused": row["paused"], "due_at": row["due_at"], "warn_at": row["warn_at"]}

    def get_state(self, row) -> str | None:
        return item_state(**self._fields(row))

    def get_colour(self, row) -> str:
        return item_colour(**self._fields(row))

    def get_url(self, row) -> str:
        return registry.item_url(row)
