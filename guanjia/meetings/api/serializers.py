import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer, NameField, VisibleRelatedField
from guanjia.core.schema import YEARS_1900_TO_2999
from guanjia.meetings.choices import ItemStatus, Kind
from guanjia.meetings.models import ActionItem, Meeting
from guanjia.org.models import Unit, User
from guanjia.projects.models import Project
from guanjia.requests.models import Request

# Who may convene a meeting or own a decision: active staff, never an enterprise's own contact.
# Anyone else "does not exist" here; the service gives its reasons for the ones left.
STAFF = {"is_active": True, "enterprise__isnull": True}


@extend_schema_field({**build_basic_type(OpenApiTypes.DATETIME), "pattern": YEARS_1900_TO_2999})
class MeetingTimeField(serializers.DateTimeField):
    """A meeting's time: within services.EARLIEST_DATE and LATEST_DATE's years, as the schema says.

    Shown in the zone's time, except where that time's offset is no whole number of minutes, which RFC 3339
    (the schema's date-time) cannot write: a zone's local mean time before its standard time (Asia/Shanghai
    was +08:05:43 until 1901). Such a time is shown in UTC, the same instant.
    """

    def to_representation(self, value):
        offset = self.enforce_timezone(value).utcoffset() if value else None
        if offset is not None and offset.seconds % 60:
            value = value.astimezone(dt.UTC)
            return value.isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class ActionItemSerializer(BuiltOnceModelSerializer):
    """A decision (督办事项) as the API shows it; `state` is `open`, `overdue` (derived from the time) or `done`."""

    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    owner_person_name = NameField(source="owner_person")
    request_number = serializers.CharField(source="request.number", read_only=True, allow_null=True)
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    state = serializers.SerializerMethodField()
    state_display = serializers.CharField(read_only=True)
    done_by_name = NameField(source="done_by")

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "meeting_title", "text", "owner_unit", "owner_unit_name", "owner_person",
                  "owner_person_name", "request", "request_number", "project", "project_name", "deadline",
                  "deadline_days", "deadline_provisional", "status", "status_display", "state", "state_display",
                  "done_at", "done_by", "done_by_name", "result", "created_at"]
        read_only_fields = fields

    def get_state(self, item) -> str:
        return item.state()


class ActionItemCreateSerializer(serializers.Serializer):
    """The body of `POST /meetings/{id}/decisions/`: the deadline is `days` working days or a `due_date`."""

    text = serializers.CharField()
    owner_unit = VisibleRelatedField(Unit)
    owner_person = VisibleRelatedField(User, required=False, allow_null=True, limit_choices_to=STAFF)
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365,
                                    help_text=_("自会议日期次日起算的工作日数；与 due_date 二选一。"))
    due_date = serializers.DateField(required=False, allow_null=True, help_text=_("不能早于会议日期，也不能早于今天。"))
    request = VisibleRelatedField(Request, required=False, allow_null=True)
    project = VisibleRelatedField(Project, required=False, allow_null=True)


class MeetingSerializer(BuiltOnceModelSerializer):
    """A meeting as the list shows it; writing it convenes one (`convener` defaults to the caller)."""

    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    starts_at = MeetingTimeField(label=Meeting._meta.get_field("starts_at").verbose_name)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    convener = VisibleRelatedField(User, required=False, allow_null=True, limit_choices_to=STAFF)
    convener_name = NameField(source="convener", allow_null=False)
    units = VisibleRelatedField(Unit, many=True, required=False)
    attendees = VisibleRelatedField(User, many=True, required=False)
    requests = VisibleRelatedField(Request, many=True, required=False)
    projects = VisibleRelatedField(Project, many=True, required=False)
    settled_requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    item_count = serializers.SerializerMethodField()
    open_item_count = serializers.SerializerMethodField()
    overdue_item_count = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "kind", "kind_display", "title", "starts_at", "place", "convener", "convener_name",
                  "status", "status_display", "units", "attendees", "requests", "projects", "settled_requests",
                  "item_count", "open_item_count", "overdue_item_count", "created_at", "updated_at"]
        read_only_fields = ["status", "created_at", "updated_at"]

    # Annotated on lists (selectors.meeting_list); counted from the prefetched items on a detail.
    def get_item_count(self, meeting) -> int:
        count = getattr(meeting, "item_count", None)
        return count if count is not None else len(meeting.action_items.all())

    def get_open_item_count(self, meeting) -> int:
        count = getattr(meeting, "open_item_count", None)
        return count if count is not None else sum(1 for i in meeting.action_items.all() if i.status == ItemStatus.OPEN)

    def get_overdue_item_count(self, meeting) -> int:
        count = getattr(meeting, "overdue_item_count", None)
        return count if count is not None else sum(1 for i in meeting.action_items.all() if i.is_overdue)


class AgendaRequestSerializer(BuiltOnceModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Request
        fields = ["id", "number", "title", "enterprise", "enterprise_name", "status", "status_display"]
        read_only_fields = fields  # the agenda is set by the meeting's `requests` ids


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = NameField(source="*", allow_null=False)


class MeetingDetailSerializer(MeetingSerializer):
    """One meeting with its agenda, attendance, minutes and decisions (action items)."""

    agenda_requests = AgendaRequestSerializer(source="requests", many=True, read_only=True)
    agenda_projects = NamedSerializer(source="projects", many=True, read_only=True)
    unit_list = NamedSerializer(source="units", many=True, read_only=True)
    attendee_list = NamedSerializer(source="attendees", many=True, read_only=True)
    decisions = ActionItemSerializer(source="action_items", many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "held_at", "closed_at", "cancelled_at",
                  "cancel_reason", "agenda_requests", "agenda_projects", "unit_list", "attendee_list", "decisions"]
        read_only_fields = [*MeetingSerializer.Meta.read_only_fields, "held_at", "closed_at", "cancelled_at",
                            "cancel_reason"]


class HoldSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="")


class SettleSerializer(serializers.Serializer):
    request = VisibleRelatedField(Request)
    answer = serializers.CharField(allow_blank=True, default="")
    confirm = serializers.BooleanField(
        default=False, help_text=_("诉求尚有未完成的督办事项时须为 true（否则 400，`confirm` 列出这些事项）。"))


class CompleteSerializer(serializers.Serializer):
    result = serializers.CharField(allow_blank=True, default="")
