"""`/api/v1/approvals/`: the handbook items (代办事项) the caller sees, their timeline, and their moves
(`POST /api/v1/approvals/{id}/{action}/`, API.md "approval actions"), answering the item with the fields of
API.md's "project approvals" row (and a few more)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from guanjia.approvals.choices import Action
from guanjia.approvals.filtersets import ApprovalFilterSet
from guanjia.approvals.models import Approval
from guanjia.approvals.services import lifecycle
from guanjia.approvals.workflow import APPROVAL
from guanjia.core.api import BuiltOnceModelSerializer, ScopedViewSet
from guanjia.core.choices import Role
from guanjia.workflow import timeline, transitions
from guanjia.workflow.models import item_colour


class ApprovalSerializer(BuiltOnceModelSerializer):
    """A handbook item: API.md's "project approvals" fields, then what its page shows besides."""

    catalogue_item = serializers.PrimaryKeyRelatedField(read_only=True)
    agent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    colour = serializers.SerializerMethodField()

    class Meta:
        model = Approval
        fields = ["id", "catalogue_item", "name", "status", "agent", "planned_start", "planned_due", "baseline_due",
                  "critical", "float_days", "due_at", "provisional", "finished_on", "document_number",
                  "working_days_used", "committed_days",
                  # beyond API.md's row
                  "statutory_days", "status_display", "colour", "handbook", "project", "project_name", "unit",
                  "unit_name", "stage", "on_correction", "tolerance_allowed", "tolerance_days", "accepted_on",
                  "gap", "gap_commit_by", "gap_made_good_on", "outcome_reason", "baseline_start", "version"]
        read_only_fields = fields

    def get_colour(self, obj) -> str:
        """The item's colour from its soonest running deadline (green, yellow due soon, red overdue)."""
        item = obj.item
        return item_colour(is_open=item.is_open, paused=item.paused, due_at=item.due_at, warn_at=item.warn_at)


class ApprovalEventSerializer(serializers.Serializer):
    """One timeline row: who, when, action, from and to status, comment, and the files' names."""

    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    action = serializers.CharField()
    action_display = serializers.SerializerMethodField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    comment = serializers.CharField()
    data = serializers.JSONField()
    attachments = serializers.SerializerMethodField()

    def get_actor(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None

    def get_action_display(self, event) -> str:
        return str(APPROVAL.action_label(event.action))

    def get_attachments(self, event) -> list[str]:
        return [attachment.name for attachment in event.attachments.all()]


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


class ApprovalMoveBody(serializers.Serializer):
    comment = _text()
    version = serializers.IntegerField(required=False, min_value=1)


class ApprovalAcceptBody(ApprovalMoveBody):
    accepted_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text=_("受理日期，默认今天"))


class ApprovalAcceptWithGapBody(ApprovalAcceptBody):
    gap = _text()
    commit_by = serializers.DateField(required=False, allow_null=True, default=None,
                                      help_text=_("承诺补齐日期，默认受理日起容缺补齐时限"))


class ApprovalReasonBody(serializers.Serializer):
    reason = _text()
    version = serializers.IntegerField(required=False, min_value=1)


class ApprovalApproveBody(ApprovalMoveBody):
    document_number = _text()
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)


class ApprovalSupplyBody(serializers.Serializer):
    comment = _text()


BODIES = {
    Action.PREPARE: ApprovalMoveBody, Action.ACCEPT: ApprovalAcceptBody, Action.ACCEPT_WITH_GAP: ApprovalAcceptWithGapBody,
    Action.MAKE_GOOD: ApprovalMoveBody, Action.SUPPLY: ApprovalSupplyBody, Action.REVIEW: ApprovalMoveBody, Action.REQUEST_CORRECTION: ApprovalReasonBody,
    Action.RESUBMIT: ApprovalMoveBody, Action.APPROVE: ApprovalApproveBody, Action.REFUSE: ApprovalReasonBody, Action.NOT_APPLICABLE: ApprovalReasonBody,
}
# Moves that carry files (multipart `attachments`): the 受理通知书, the written commitment, material, the scan.
WITH_FILES = frozenset({Action.ACCEPT, Action.ACCEPT_WITH_GAP, Action.MAKE_GOOD, Action.SUPPLY, Action.RESUBMIT,
                        Action.APPROVE, Action.REFUSE})


def perform(name: str, *, actor, approval: Approval, data: dict, files=()) -> Approval:
    """Call the move's service with the body's fields (and its files, where it takes them)."""
    kwargs = dict(data)
    if name in WITH_FILES:
        kwargs["attachments"] = list(files)
    service = lifecycle.ACTION_SERVICES[name]
    return service(actor=actor, approval=approval, **kwargs)


class ApprovalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Handbook items (代办事项) the caller sees; `?status=&unit=&project=&stage=&overdue=`; each move is
    `POST {id}/{action}/` (403 for a role that may not take it, 404 outside scope, 409 where the status does
    not allow it, 400 with the field's message for bad input)."""

    queryset = Approval.objects.select_related("item", "unit", "project")
    serializer_class = ApprovalSerializer
    filterset_class = ApprovalFilterSet
    state_conflicts = True

    @extend_schema(responses=ApprovalEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """Every event of the item (an enterprise's contact sees no internal one)."""
        obj = self.get_object()
        enterprise_view = request.user.has_role(Role.ENTERPRISE) and not request.user.is_superuser
        events = timeline.events_of(obj.item_id, enterprise_view=enterprise_view)
        return Response(ApprovalEventSerializer(events, many=True).data)

    def _act(self, request, name: str):
        obj = self.get_object()
        transitions.check_permission(APPROVAL, actor=request.user, action=name)  # 403 before the body is read
        body = BODIES[name](data=request.data)
        body.is_valid(raise_exception=True)
        updated = perform(name, actor=request.user, approval=obj, data=dict(body.validated_data),
                          files=request.FILES.getlist("attachments"))
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(ApprovalSerializer(fresh, context=self.get_serializer_context()).data)


ACTION_DOCS = {
    Action.ACCEPT: "受理: `accepted_on` (default today; not in the future, not before the handbook's start) starts the "
                   "committed and statutory limits in working days from it (次日起算); files as multipart `attachments`.",
    Action.ACCEPT_WITH_GAP: "容缺受理 (only where the item's `tolerance_allowed`): `gap` (the missing material) and the "
                            "enterprise's written commitment as multipart `attachments` are required; `commit_by` "
                            "defaults to the acceptance plus `tolerance_days` working days. The gap's clock runs to it.",
    Action.MAKE_GOOD: "补齐容缺材料: the gap supplied (the enterprise's contacts may), with files or a `comment`; 409 "
                      "when no gap is open.",
    Action.SUPPLY: "补充材料: files (multipart `attachments`) for a 补正 or an open gap (the enterprise may); 409 otherwise.",
    Action.REQUEST_CORRECTION: "补正 (`reason` required): both limits pause, or, where the item's `on_correction` is "
                               "`restart`, count again in full from `resubmit`.",
    Action.APPROVE: "办结: `document_number` and `approved_on` are required (400), the date not before the acceptance "
                    "nor in the future; the scan as multipart `attachments`; 409 while a 容缺 gap is open.",
}


def _make_action(name: str):
    def handler(self, request, pk=None):
        return self._act(request, name)

    path = name.replace("_", "-")  # accept_with_gap -> …/accept-with-gap/
    handler.__name__ = f"action_{name}"
    handler.__doc__ = ACTION_DOCS.get(name, f"`{path}` (API.md \"approval actions\").")
    return extend_schema(request=BODIES[name], responses=ApprovalSerializer)(
        action(detail=True, methods=["post"], url_path=path, url_name=path)(handler))


for _name in lifecycle.ACTION_SERVICES:
    setattr(ApprovalViewSet, f"action_{_name}", _make_action(str(_name)))
