"""`/api/v1/targets/`, `GET /api/v1/stats/projects/`, `/api/v1/investment-reports/` and
`/api/v1/projects/{id}/investment/`: rows come through `visible_to`, writes through services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from guanjia.core.api import ScopedViewSet
from guanjia.core.forms import is_id
from guanjia.projects.models import Project
from guanjia.targets import selectors, services
from guanjia.targets.api.serializers import (
    InvestmentPlanWriteSerializer,
    InvestmentReportSerializer,
    InvestmentReportWriteSerializer,
    ProjectStatsSerializer,
    TargetSerializer,
    TargetUpdateSerializer,
    TargetWriteSerializer,
)
from guanjia.targets.filtersets import InvestmentReportFilterSet, TargetFilterSet
from guanjia.targets.models import InvestmentReport, Target
from guanjia.targets.predicates import may_view_project_stats

MANAGE = "targets.manage_target"


def parse_year(value) -> int:
    """`?year=` (default: this year); anything but a year 2000–2100 is a 400 by the field."""
    if value in (None, ""):
        return timezone.localdate().year
    text = str(value).strip()
    if text.isascii() and text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    raise ValidationError({"year": [_("年度须为 2000–2100 之间的整数，例如 2026。")]})


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, mixins.DestroyModelMixin, ScopedViewSet):
    """A zone's annual targets (年度目标); admins write, the staff read, enterprise contacts see none."""

    queryset = Target.objects.none()  # the schema's model; the rows: visible_to, in get_queryset
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    action_permissions = {"create": MANAGE, "update": MANAGE, "partial_update": MANAGE, "destroy": MANAGE}

    def get_queryset(self):
        return Target.objects.visible_to(self.request.user)

    def _context(self, targets) -> dict:
        actuals = selectors.actuals_by_year(projects=Project.objects.visible_to(self.request.user),
                                            years=[t.year for t in targets])
        return {**self.get_serializer_context(), "actuals": actuals}

    def _answer(self, targets, *, many: bool):
        return TargetSerializer(targets if many else targets[0], many=many, context=self._context(targets)).data

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        data = self._answer(rows, many=True)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._answer([self.get_object()], many=False))

    @extend_schema(request=TargetWriteSerializer, responses={201: TargetSerializer})
    def create(self, request, *args, **kwargs):
        body = TargetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        zone = data.pop("zone", request.user.zone_id)
        if zone != request.user.zone_id:
            raise ValidationError({"zone": [_("只能设定本园区的目标。")]})
        target = services.target_create(actor=request.user, zone=request.user.zone, **data)
        return Response(self._answer([target], many=False), status=status.HTTP_201_CREATED)

    @extend_schema(request=TargetUpdateSerializer, responses={200: TargetSerializer})
    def update(self, request, *args, **kwargs):
        target = self.get_object()
        body = TargetUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        target = services.target_update(actor=request.user, target=target, **body.validated_data)
        return Response(self._answer([target], many=False))

    def perform_destroy(self, instance):
        services.target_delete(actor=self.request.user, target=instance)


class ProjectStatsView(APIView):
    """The year's projects statistics (项目统计) over the caller's visible projects, against the zone's targets."""

    @extend_schema(
        operation_id="stats_projects",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="2000–2100; default this year")],
        responses={200: ProjectStatsSerializer,
                   400: OpenApiResponse(description='{"year": ["message"]}'),
                   403: OpenApiResponse(description="enterprise contacts and unit handlers")},
    )
    def get(self, request):
        if not may_view_project_stats(request.user):
            raise PermissionDenied
        year = parse_year(request.query_params.get("year"))
        stats = selectors.project_stats(projects=Project.objects.visible_to(request.user),
                                        zone_id=request.user.zone_id, year=year)
        return Response(ProjectStatsSerializer(stats).data)


class InvestmentReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Monthly completed investment (月度完成投资) of the projects the caller sees. POST reports a month of a
    project (its butler or its enterprise): a second report of the same month replaces the first (200)."""

    queryset = InvestmentReport.objects.select_related("project", "reported_by")
    serializer_class = InvestmentReportSerializer
    filterset_class = InvestmentReportFilterSet
    action_permissions = {"create": "targets.report_investment"}

    @extend_schema(request=InvestmentReportWriteSerializer,
                   responses={201: InvestmentReportSerializer, 200: InvestmentReportSerializer})
    def create(self, request, *args, **kwargs):
        body = InvestmentReportWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "project" not in data:
            raise ValidationError({"project": [_("请选择项目。")]})
        return _report(request, data.pop("project"), data)


def _report(request, project, data) -> Response:
    report, created = services.investment_report(actor=request.user, project=project, **data)
    report = InvestmentReport.objects.select_related("project", "reported_by").get(pk=report.pk)
    return Response(InvestmentReportSerializer(report).data,
                    status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _summary(project, year: int) -> dict:
    card = selectors.project_investment(project, year=year)
    def yuan(wan) -> str | None:
        return None if wan is None else f"{wan * 10000:.2f}"

    return {
        "project": project.pk, "year": year,
        "total_investment": yuan(project.total_investment),
        "plan": yuan(card["plan"]),
        "completed_year": yuan(card["completed_year"]),
        "completed_total": yuan(card["completed_total"]),
        "year_completion": card["year_completion"],
        "completion": card["completion"],
        "months": [{"month": r.month.strftime("%Y-%m"), "amount": yuan(r.amount), "note": r.note}
                   for r in card["reports"]],
    }


def _visible_project(request, pk) -> Project:
    if not is_id(pk):  # a number no row can have is no row (the database would refuse it)
        raise Http404
    return get_object_or_404(Project.objects.visible_to(request.user), pk=pk)


class ProjectInvestmentView(APIView):
    """`/api/v1/projects/{id}/investment/?year=`: the project's total, year plan and months reported (yuan);
    POST `{"month", "amount", "note"}` reports a month, as `/api/v1/investment-reports/` does."""

    def _project(self, request, pk):
        return _visible_project(request, pk)

    @extend_schema(operation_id="project_investment", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        project = self._project(request, pk)
        return Response(_summary(project, parse_year(request.query_params.get("year"))))

    @extend_schema(operation_id="project_investment_report", request=InvestmentReportWriteSerializer,
                   responses={201: InvestmentReportSerializer, 200: InvestmentReportSerializer})
    def post(self, request, pk):
        project = self._project(request, pk)
        if not request.user.has_perm("targets.report_investment", project):
            raise PermissionDenied
        body = InvestmentReportWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("project", None)
        return _report(request, project, data)


class ProjectInvestmentPlanView(APIView):
    """`POST /api/v1/projects/{id}/investment/plan/` `{"year", "amount"}` (yuan): the project's year plan."""

    @extend_schema(operation_id="project_investment_plan", request=InvestmentPlanWriteSerializer,
                   responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        project = _visible_project(request, pk)
        if not request.user.has_perm("targets.plan_investment", project):
            raise PermissionDenied
        body = InvestmentPlanWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.investment_plan_set(actor=request.user, project=project, **body.validated_data)
        return Response(_summary(project, plan.year))
