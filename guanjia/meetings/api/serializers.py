from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanjia.core.api import NameField
from guanjia.meetings.choices import ItemStatus, Kind
from guanjia.meetings.models import ActionItem, Meeting
from guanjia.org.models import Unit, User
from guanjia.projects.models import Project
from guanjia.requests.models import Request


def _limit(serializer, field: str, queryset) -> None:
    """Writable relations resolve only within what the caller may see (else "does not exist")."""
    target = serializer.fields[field]
    if hasattr(target, "child_relation"):
        target.child_relation.queryset = queryset
    else:
        target.queryset = queryset


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None and request.user.is_authenticated else None


def _staff(user):
    return User.objects.visible_to(user).filter(is_active=True, enterprise__isnull=True)


class ActionItemSerializer(serializers.ModelSerializer):
    """A decision (督办事项) as the API shows it; `state` is `open`, `overdue` (derived from the time) or `done`."""

    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    owner_person_name = NameField(source="owner_person")
    request_number = serializers.CharField(source="request.number", read_only=True, default=None)
    project_name = serializers.CharField(source="project.name", read_only=True, default=None)
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
    owner_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    owner_person = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365,
                                    help_text=_("自会议日期次日起算的工作日数；与 due_date 二选一。"))
    due_date = serializers.DateField(required=False, allow_null=True, help_text=_("不能早于会议日期。"))
    request = serializers.PrimaryKeyRelatedField(queryset=Request.objects.all(), required=False, allow_null=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            _limit(self, "owner_unit", Unit.objects.visible_to(user))
            _limit(self, "owner_person", _staff(user))
            _limit(self, "request", Request.objects.visible_to(user))
            _limit(self, "project", Project.objects.visible_to(user))


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting as the list shows it; writing it convenes one (`convener` defaults to the caller)."""

    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    convener = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    convener_name = NameField(source="convener", allow_null=False)
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    attendees = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    requests = serializers.PrimaryKeyRelatedField(queryset=Request.objects.all(), many=True, required=False)
    projects = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), many=True, required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            _limit(self, "convener", _staff(user))
            _limit(self, "units", Unit.objects.visible_to(user))
            _limit(self, "attendees", User.objects.visible_to(user))
            _limit(self, "requests", Request.objects.visible_to(user))
            _limit(self, "projects", Project.objects.visible_to(user))

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


class AgendaRequestSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Request
        fields = ["id", "number", "title", "enterprise", "enterprise_name", "status", "status_display"]


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
    request = serializers.PrimaryKeyRelatedField(queryset=Request.objects.all())
    answer = serializers.CharField(allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            _limit(self, "request", Request.objects.visible_to(user))


class CompleteSerializer(serializers.Serializer):
    result = serializers.CharField(allow_blank=True, default="")
