"""`GET /api/v1/stats/approvals/?from=&to=`: the half-yearly 代办 report (API.md "approvals report")."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from guanjia.approvals.forms_lifecycle import ReportForm
from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.report import approvals_report, elapsed_against_benchmark


class ApprovalFiguresSerializer(serializers.Serializer):
    handled = serializers.IntegerField(help_text="approved or refused with `finished_on` in the period")
    on_time = serializers.IntegerField(help_text="of them, working days used ≤ the committed limit")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="on_time ÷ handled (0–1), null where none")
    avg_working_days = serializers.FloatField(allow_null=True)
    avg_committed_days = serializers.FloatField(allow_null=True)
    avg_statutory_days = serializers.FloatField(allow_null=True)
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()


class ApprovalUnitFiguresSerializer(ApprovalFiguresSerializer):
    id = serializers.IntegerField(help_text="the authority unit")
    name = serializers.CharField()


class ApprovalStageFiguresSerializer(ApprovalFiguresSerializer):
    stage = serializers.CharField()
    name = serializers.CharField()


class ApprovalBenchmarkSerializer(serializers.Serializer):
    projects = serializers.IntegerField(help_text="handbooks the caller sees")
    finished = serializers.IntegerField(help_text="of them, every item finished")
    benchmark = serializers.IntegerField(help_text="the national limit of the whole process, 120 working days")
    avg_elapsed_finished = serializers.FloatField(allow_null=True)
    over_benchmark = serializers.IntegerField()
    over_committed = serializers.IntegerField()


class ApprovalStatsSerializer(ApprovalFiguresSerializer):
    # `from` is a keyword: declared below.
    to = serializers.DateField()
    by_unit = ApprovalUnitFiguresSerializer(many=True)
    by_stage = ApprovalStageFiguresSerializer(many=True)
    benchmark = ApprovalBenchmarkSerializer()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields


class ApprovalStatsView(APIView):
    """Items handled (approved or refused, `finished_on` in the period), on time (working days used ≤ the
    committed limit), `on_time_rate`, `avg_working_days`, the average committed and statutory limits, and the
    same `by_unit` and `by_stage`; `benchmark`: the zone's projects against the national 120 working days."""

    @extend_schema(
        operation_id="stats_approvals",
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE, description="first day; default: the current "
                                                                             "half year's"),
                    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, included")],
        responses={200: ApprovalStatsSerializer, 400: OpenApiResponse(description='{"field": ["message"]}'),
                   403: OpenApiResponse(description="only admins, leaders and supervisors read the report")},
    )
    def get(self, request):
        if not request.user.has_perm("approvals.view_approval_report"):
            raise PermissionDenied
        form = ReportForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.error_detail())
        date_from, date_to = form.period
        report = approvals_report(Approval.objects.visible_to(request.user), date_from=date_from, date_to=date_to)
        benchmark = elapsed_against_benchmark(Handbook.objects.visible_to(request.user))
        return Response(ApprovalStatsSerializer({**report, "benchmark": benchmark["zone"]}).data)
