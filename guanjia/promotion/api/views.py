"""Promotion table API: `/api/v1/projects/{id}/work-items/` (list; create for those who may manage the table)
and `POST /api/v1/work-items/{id}/{action}/` (start, complete, reopen, cancel). Rows come through `visible_to`."""

from django.db.models import F
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from guanjia.core.api import ScopedViewSet
from guanjia.core.forms import is_id
from guanjia.core.predicates import require
from guanjia.projects.models import Project
from guanjia.promotion import services
from guanjia.promotion.api.serializers import ActionSerializer, WorkItemSerializer
from guanjia.promotion.models import PromotionTable, WorkItem


def _rows(user):
    return (WorkItem.objects.visible_to(user).select_related("responsible", "unit", "project")
            .annotate(warn_at=F("item__warn_at")).order_by("table", "order", "pk"))


class ProjectWorkItemViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """A project's promotion table: its work items the caller sees; those who manage the table add one."""

    queryset = WorkItem.objects.none()
    serializer_class = WorkItemSerializer
    action_permissions = {"create": "promotion.manage_table"}

    def initial(self, request, *args, **kwargs):
        # An id no row can have (past the database's integers) is no project of anyone's: 404, as for any other.
        if not is_id(kwargs["project_pk"]):
            raise Http404
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        rows = _rows(user).filter(project=self.kwargs["project_pk"])
        if not Project.objects.visible_to(user).filter(pk=self.kwargs["project_pk"]).exists() and not rows.exists():
            raise Http404
        return rows

    def create(self, request, *args, **kwargs):
        table = (PromotionTable.objects.visible_to(request.user).select_related("project")
                 .filter(project=self.kwargs["project_pk"]).first())
        if table is None:
            raise Http404
        require(request.user, "promotion.manage_table", table)
        body = WorkItemSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = services.work_item_add(actor=request.user, table=table, stage=data["stage"], name=data["name"],
                                      due_on=data["due_on"], responsible=data.get("responsible"),
                                      unit=data.get("unit"))
        fresh = _rows(request.user).get(pk=item.pk)
        return Response(WorkItemSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


HANDLE, MANAGE = "promotion.handle_workitem", "promotion.manage_table"


class WorkItemViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """One work item and its moves; 403 for a move the caller may not take, 409 where its status refuses it."""

    queryset = WorkItem.objects.none()
    serializer_class = WorkItemSerializer
    action_permissions = {"start": HANDLE, "complete": HANDLE, "reopen": MANAGE, "cancel": MANAGE}
    state_conflicts = True

    def get_queryset(self):
        return _rows(self.request.user)

    def _answer(self, work_item):
        fresh = _rows(self.request.user).get(pk=work_item.pk)
        return Response(WorkItemSerializer(fresh, context=self.get_serializer_context()).data)

    def _body(self, request) -> dict:
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(request=ActionSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        item, data = self.get_object(), self._body(request)
        return self._answer(services.work_item_start(actor=request.user, work_item=item, comment=data["comment"],
                                                     version=data["version"]))

    @extend_schema(request=ActionSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        item, data = self.get_object(), self._body(request)
        return self._answer(services.work_item_complete(actor=request.user, work_item=item, done_on=data["done_on"],
                                                        comment=data["comment"], version=data["version"]))

    @extend_schema(request=ActionSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        item, data = self.get_object(), self._body(request)
        return self._answer(services.work_item_reopen(actor=request.user, work_item=item, reason=data["reason"],
                                                      due_on=data["due_on"], version=data["version"]))

    @extend_schema(request=ActionSerializer, responses=WorkItemSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        item, data = self.get_object(), self._body(request)
        return self._answer(services.work_item_cancel(actor=request.user, work_item=item, reason=data["reason"],
                                                      version=data["version"]))
