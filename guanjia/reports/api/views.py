"""`GET /api/v1/stats/requests/?from=&to=&by=`: the request statistics over the caller's visible requests."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from guanjia.core.calendar import WorkingCalendar
from guanjia.core.schema import YEARS_1900_TO_2999
from guanjia.reports.api.serializers import RequestStatsSerializer
from guanjia.reports.forms import RequestStatsForm
from guanjia.reports.predicates import may_view_request_stats
from guanjia.reports.selectors import BREAKDOWNS, request_stats, request_stats_by
from guanjia.requests.models import Request

PERIOD_DAY = {**build_basic_type(OpenApiTypes.DATE), "pattern": YEARS_1900_TO_2999}  # forms.DATE_BOUNDS


class RequestStatsView(APIView):
    """响应率, 办结率, 按期办结率, 满意率 and the rest (DOMAIN.md "Metrics"), optionally split `by` a dimension."""

    @extend_schema(
        operation_id="stats_requests",
        parameters=[
            OpenApiParameter("from", PERIOD_DAY, description="first day (YYYY-MM-DD), in the years 1900–2999; "
                                                             "default 1 January (of `to`'s year, if given)"),
            OpenApiParameter("to", PERIOD_DAY, description="last day, included, in the years 1900–2999 and not "
                                                           "before `from`; default 31 December (of `from`'s year)"),
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(BREAKDOWNS),
                             description="adds `by` and `rows` (one per month, lead unit, butler, …)"),
        ],
        responses={
            200: RequestStatsSerializer,
            400: OpenApiResponse(description='{"field": ["message"]}: a bad date, `from` after `to`, unknown `by`'),
            403: OpenApiResponse(description="the caller's roles have no statistics (enterprise contacts)"),
        },
    )
    def get(self, request):
        if not may_view_request_stats(request.user):
            raise PermissionDenied
        form = RequestStatsForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.error_detail())
        date_from, date_to = form.period
        by = form.cleaned_data["by"]
        queryset = Request.objects.visible_to(request.user)
        # One clock reading and one calendar snapshot for the figures and their rows.
        options = {"date_from": date_from, "date_to": date_to, "now": timezone.now(),
                   "calendar": WorkingCalendar.load()}
        data = {"from": date_from, "to": date_to, **request_stats(queryset, **options)}
        if by:
            data.update(by=by, rows=request_stats_by(queryset, by, **options))
        return Response(RequestStatsSerializer(data).data)
