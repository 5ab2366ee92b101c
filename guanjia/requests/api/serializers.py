import functools

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer, NameField, VisibleRelatedField
from guanjia.core.text import TextLengthValidator
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Unit, User
from guanjia.projects.models import Project
from guanjia.requests import actions, disclosure
from guanjia.requests.choices import (
    Action,
    Category,
    EscalationTarget,
    Rating,
    Source,
    Status,
    SuspendReason,
    UnitTaskStatus,
    Urgency,
)
from guanjia.requests.models import ExtensionApplication, Request, UnitTask
from guanjia.requests.services.extensions import MAX_EXTENSION_DAYS
from guanjia.workflow.models import Event


class UnitTaskSerializer(BuiltOnceModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    # Annotated by selectors.unit_tasks (the task's clock's flag), so the tasks are read in one query.
    due_provisional = serializers.BooleanField(
        read_only=True, help_text=_("时限按临时日历计算（跨入尚未公布放假安排的年份），公布后自动重算。"))
    # Blank while a 退单 waits (or none was made): a plain string, so that the schema allows the blank.
    arbitration = serializers.CharField(
        read_only=True, allow_blank=True, help_text=_("仲裁结果：upheld（同意退单）、dismissed（驳回退单）、reassigned（仲裁改派）、"
                                    "settled（无需仲裁）；待仲裁或未退单时为空。"))

    class Meta:
        model = UnitTask
        fields = ["id", "unit", "unit_name", "role", "status", "due_at", "due_provisional", "signed_at", "done_at",
                  "feedback", "return_reason", "arbitration", "arbitrated_at", "instruction"]
        read_only_fields = fields  # shown with the request; units change through its actions

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _for_enterprise(self):  # a unit's report, its 退单 and the center's arbitration are for the staff
            data["feedback"] = data["return_reason"] = data["arbitration"] = data["instruction"] = ""
            data["arbitrated_at"] = None
        return data


def _for_enterprise(serializer) -> bool:
    from guanjia.requests.selectors import enterprise_only

    request = serializer.context.get("request")
    return request is not None and enterprise_only(request.user)


class InstructionSerializer(serializers.Serializer):
    """The latest 批示 on a request: what the leader instructed, who, when."""

    text = serializers.CharField(source="instruction", read_only=True)
    leader = serializers.IntegerField(source="instructed_by_id", read_only=True, allow_null=True)
    leader_name = NameField(source="instructed_by")
    at = serializers.DateTimeField(source="instructed_at", read_only=True)


class RequestSerializer(BuiltOnceModelSerializer):
    """A request as API.md lists it, plus its clocks' summary; writing it raises a request."""

    enterprise = VisibleRelatedField(Enterprise, select_related=("butler",))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    project = VisibleRelatedField(Project, required=False, allow_null=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    addressed_leader = VisibleRelatedField(User, required=False, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    butler_name = NameField(source="butler")
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, allow_null=True)
    # Declared: as a read-only model field it would lose its blank choice ("" = not rated yet) in the schema.
    rating = serializers.ChoiceField(choices=Rating.choices, read_only=True, allow_blank=True)
    latest_instruction = serializers.SerializerMethodField(help_text=_(
        "最新的领导批示（text 批示内容、leader 批示领导、at 时间），没有时为 null；仅园区工作人员可见，企业联系人读到的总是 null。"))

    class Meta:
        model = Request
        fields = [
            "id", "number", "enterprise", "enterprise_name", "project", "source", "category", "urgency", "title",
            "description", "status", "status_display", "butler", "butler_name", "addressed_leader", "lead_unit",
            "lead_unit_name", "due_at", "due_provisional", "accepted_at", "first_reply_at", "resolved_at",
            "closed_at", "answer", "rating", "rating_reason", "extension_count", "reopen_count", "version",
            "created_at", "instruction_count", "latest_instruction",
        ]
        read_only_fields = [
            "number", "status", "butler", "lead_unit", "due_at", "due_provisional", "accepted_at",
            "first_reply_at", "resolved_at", "closed_at", "answer", "rating_reason", "extension_count",
            "reopen_count", "version", "created_at", "instruction_count",
        ]

    @extend_schema_field(InstructionSerializer(allow_null=True))
    def get_latest_instruction(self, obj):
        request = self.context.get("request")
        if not obj.instruction_count or request is None or not request.user.has_perm("requests.view_instruction"):
            return None  # a leader's 批示 is for the staff: an enterprise contact reads null (requests.disclosure)
        return InstructionSerializer(obj).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _for_enterprise(self) and data.get("status") in disclosure.ENTERPRISE_STATUS:
            data["status"] = disclosure.ENTERPRISE_STATUS[data["status"]]
            data["status_display"] = str(Status(data["status"]).label)
        return data


class ExtensionApplicationSerializer(BuiltOnceModelSerializer):
    """A pending 延期申请: who asked (and for which unit), for how many working days, and why."""

    applicant_name = NameField(source="applicant")
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)

    class Meta:
        model = ExtensionApplication
        fields = ["id", "applicant", "applicant_name", "unit", "unit_name", "days", "reason", "status", "created_at"]
        read_only_fields = fields  # written by the actions apply-extension / approve-extension / deny-extension


class RequestDetailSerializer(RequestSerializer):
    unit_tasks = UnitTaskSerializer(many=True, read_only=True)
    pending_extension = serializers.SerializerMethodField(
        help_text=_("待审批的延期申请（批准：approve-extension，驳回：deny-extension）；没有时为 null。"))

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "unit_tasks", "pending_extension"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _for_enterprise(self):  # a returned task is the units' dispute with the center
            data["unit_tasks"] = [t for t in data["unit_tasks"] if t["status"] != UnitTaskStatus.RETURNED]
        return data

    @extend_schema_field(ExtensionApplicationSerializer(allow_null=True))
    def get_pending_extension(self, obj):
        from guanjia.requests.selectors import pending_extension

        request = self.context.get("request")
        application = pending_extension(obj, getattr(request, "user", None))
        return None if application is None else ExtensionApplicationSerializer(application).data


def _text(required: bool, **kwargs):
    """Free text, at most TEXT_MAX characters (the services' bound, said in the schema)."""
    if not required:
        kwargs.update(required=False, allow_blank=True, default="")
    return serializers.CharField(validators=[TextLengthValidator()], **kwargs)


def _reason(name: str, required: bool):
    if name == Action.SUSPEND:  # a typed reason, not free text
        return serializers.ChoiceField(choices=SuspendReason.choices, required=required)
    if name == Action.RATE:
        return _text(required, help_text=_("不满意（unsatisfied）时必填。"))
    return _text(required)


# The fields a request action's body may carry, each made afresh for an action (required there or not).
ACTION_FIELDS = {
    "comment": lambda name, required: _text(required),
    "answer": lambda name, required: _text(required),
    "reason": _reason,
    "lead_unit": lambda name, required: VisibleRelatedField(Unit, required=required, allow_null=not required),
    "co_units": lambda name, required: VisibleRelatedField(Unit, many=True, required=required),
    "unit_due": lambda name, required: serializers.DateField(
        required=required, allow_null=True, help_text=_("各承办单位的办理时限（转办、改派）；不填按园区时限规则。")),
    "co_unit_due": lambda name, required: serializers.DateField(
        required=required, allow_null=True, help_text=_("协办单位的办理时限，不晚于牵头单位的时限；不填同 unit_due。")),
    "rating": lambda name, required: serializers.ChoiceField(choices=Rating.choices, required=required),
    # No extension may pass MAX_EXTENSION_DAYS in all, so no one may ask for more at once.
    "days": lambda name, required: serializers.IntegerField(required=required, min_value=1,
                                                            max_value=MAX_EXTENSION_DAYS),
    "target": lambda name, required: serializers.ChoiceField(choices=EscalationTarget.choices, required=required),
    "resolve": lambda name, required: serializers.BooleanField(required=False, default=False),
    "into": lambda name, required: VisibleRelatedField(Request, required=required),
    # -- arbitration and deadlines that agree (issue 14) --
    "unit": lambda name, required: VisibleRelatedField(
        Unit, required=required, allow_null=True,
        help_text=_("退单的单位（id）；只有一个单位退单待仲裁时可不填。")),
    "move_unit_deadlines": lambda name, required: serializers.BooleanField(
        required=False, default=False,
        help_text=_("为 true 时，未办结的部门任务中早于新办结时限的，其办理时限顺延至新的办结时限；默认不调整。")),
    # 批示's addressees (neither named: the butler and every unit working on the request).
    "to_butler": lambda name, required: serializers.BooleanField(
        required=False, default=False, help_text=_("批示致责任管家（没有管家时致服务中心）。")),
    "to_units": lambda name, required: VisibleRelatedField(
        Unit, many=True, required=False, help_text=_("批示致哪些正在办理该诉求的单位（id）；与 to_butler 都不填时，致责任管家和所有正在办理的单位。")),
}


@functools.cache
def action_serializer(name: str) -> type[serializers.Serializer]:
    """The body of `POST /requests/{id}/{action}/` for one action: the fields it takes (actions.ACTION_SERVICES),
    those it must carry required (actions.BODY_REQUIRED), and `version`. One class per action, so that the
    schema shows each action's own body."""
    takes, required = actions.ACTION_SERVICES[name][1], actions.BODY_REQUIRED.get(name, ())
    fields = {field: ACTION_FIELDS[field](name, field in required) for field in takes if field in ACTION_FIELDS}
    fields["version"] = serializers.IntegerField(
        required=False, help_text=_("乐观锁：传入读取时的版本号，被他人改动后返回 409。"))
    camel = "".join(part.title() for part in name.split("_"))
    return type(f"{camel}ActionSerializer", (serializers.Serializer,),
                {"__doc__": f"The body of `POST /requests/{{id}}/{name.replace('_', '-')}/`.", **fields})


class EventSerializer(BuiltOnceModelSerializer):
    """One row of a request's timeline (the workflow kernel's Event), in the request's own words; an enterprise
    contact reads the rows `requests.disclosure` shows it (no internal rows, comments and `data` only where
    addressed to it)."""

    actor_name = serializers.CharField(source="by", read_only=True, allow_null=True, help_text=_(
        "谁办理的。企业联系人读到的是本企业人员或其管家的姓名、承办单位的名称，其余一律为“服务中心”（actor 为空）。"))
    action = serializers.ChoiceField(choices=Action.choices, read_only=True)
    action_display = serializers.CharField(source="action_label", read_only=True)
    from_status = serializers.ChoiceField(choices=Status.choices, read_only=True, allow_blank=True)
    to_status = serializers.ChoiceField(choices=Status.choices, read_only=True, allow_blank=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "at", "actor", "actor_name", "action", "action_display", "from_status", "to_status",
                  "comment", "unit", "unit_name", "internal", "data"]
        read_only_fields = fields  # the timeline is written by the actions only


ACTIONS = [a for a in Action.values if a not in (Action.RAISE, Action.NOTE, Action.SUPPLY, Action.MERGE)]
