"""The handbook in the API (API.md "project approvals", "plan a handbook"):

`GET /api/v1/projects/{id}/approvals/`: the project's handbook items, as the caller may see them;
`POST /api/v1/projects/{id}/approvals/plan/` `{"start", "items": [catalogue ids]}` → 201
`{"planned_finish", "items": [...]}`: makes the handbook if the project has none, else re-plans it
with those items. A project outside the caller's scope is a 404; a role that may never plan, 403.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from guanjia.approvals.models import Approval, ApprovalItem
from guanjia.approvals.services import handbooks as services
from guanjia.core.api import BuiltOnceModelSerializer, NameField
from guanjia.core.forms import is_id
from guanjia.core.predicates import require
from guanjia.projects.models import Project

PLAN = "approvals.plan_handbook"


class ProjectApprovalSerializer(BuiltOnceModelSerializer):
    """One item of a project's handbook (API.md "project approvals")."""

    agent_name = NameField(source="agent", help_text="代办员姓名")
    critical = serializers.BooleanField(read_only=True)
    prerequisites = serializers.ListField(child=serializers.IntegerField(), source="prerequisite_ids",
                                          read_only=True, help_text="前置事项（本手册事项 id）")

    class Meta:
        model = Approval
        fields = ["id", "catalogue_item", "name", "status", "agent", "agent_name", "stage", "unit",
                  "planned_start", "planned_due", "baseline_start", "baseline_due", "critical", "float_days",
                  "due_at", "provisional", "finished_on", "document_number", "working_days_used",
                  "committed_days", "statutory_days", "prerequisites"]
        read_only_fields = fields


class PlanSerializer(serializers.Serializer):
    start = serializers.DateField(error_messages={
        "invalid": _("请填写有效的起算日期（YYYY-MM-DD）。"), "required": _("请填写起算日期。")})
    items = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                  allow_empty=False, max_length=500,
                                  error_messages={"empty": _("请至少选择一个审批事项。")})


def _project(request, project_id) -> Project:
    if not is_id(project_id):
        raise Http404
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("butler"), pk=project_id)


# The columns the list shows: whole rows with every timestamp and the tracked item's keys took a third longer.
_FIELDS = [*(f for f in ProjectApprovalSerializer.Meta.fields if f not in {"agent_name", "prerequisites"}),
           "order", "agent__name", "agent__username"]


def _items(project, user):
    return (Approval.objects.visible_to(user).filter(project=project).select_related("agent").only(*_FIELDS)
            .order_by("order", "pk"))


def add_prerequisite_ids(approvals) -> None:
    """Each item's prerequisites as ids, for a page of items (one query on the links: a prefetch built a
    queryset per item to read them)."""
    by_pk = {approval.pk: approval for approval in approvals}
    for approval in approvals:
        approval.prerequisite_ids = []
    links = Approval.prerequisites.through.objects.filter(from_approval__in=list(by_pk))
    for approval_id, prerequisite_id in links.order_by("to_approval_id").values_list("from_approval_id",
                                                                                      "to_approval_id"):
        by_pk[approval_id].prerequisite_ids.append(prerequisite_id)


class ProjectApprovalsView(generics.ListAPIView):
    queryset = Approval.objects.none()  # the rows: the project's (visible_to) handbook items, in get_queryset
    serializer_class = ProjectApprovalSerializer

    def get_queryset(self):
        project = _project(self.request, self.kwargs["project_id"])
        return _items(project, self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        add_prerequisite_ids(page if page is not None else queryset)
        return page


class PlanHandbookView(APIView):
    state_conflicts = True  # a finished handbook is not re-planned (409)

    @extend_schema(request=PlanSerializer, responses={201: inline_serializer("PlannedHandbook", {
        "planned_finish": serializers.DateField(), "items": ProjectApprovalSerializer(many=True)})})
    def post(self, request, project_id: int):
        require(request.user, PLAN)
        project = _project(request, project_id)
        require(request.user, PLAN, getattr(project, "handbook", None) or project)
        body = PlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["items"]))
        offered = ApprovalItem.objects.visible_to(request.user).filter(pk__in=ids, zone=project.zone_id,
                                                                       archived_at__isnull=True)
        entries = {e.pk: e for e in offered}
        unknown = [str(pk) for pk in ids if pk not in entries]
        if unknown:
            raise serializers.ValidationError({"items": [_("以下事项不在本园区的审批事项清单中：%(ids)s。") % {
                "ids": "、".join(unknown)}]})
        handbook = services.plan_for_api(actor=request.user, project=project, start=body.validated_data["start"],
                                         entries=[entries[pk] for pk in ids])
        handbook.refresh_from_db()
        items = list(_items(project, request.user))
        add_prerequisite_ids(items)
        rows = ProjectApprovalSerializer(items, many=True, context={"request": request}).data
        return Response({"planned_finish": handbook.planned_finish, "items": rows}, status=status.HTTP_201_CREATED)
