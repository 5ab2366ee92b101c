"""API of the working-day clock: `GET /api/v1/calendar/add-working-days/` (API.md "working days")."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar
from guanjia.core.forms_calendar import MAX_DAYS


class AddWorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="YYYY-MM-DD; counting starts the next day (次日起算)")
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, help_text="number of working days")


class AddWorkingDaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.DateField(help_text="the N-th working day after start")
    provisional = serializers.BooleanField(
        help_text="true when a day counted lies in a year without official data (provisional calendar)")


class AddWorkingDaysView(APIView):
    """The N-th working day after a date, under the PRC official calendar (工作日)."""

    @extend_schema(
        operation_id="calendar_add_working_days",
        parameters=[AddWorkingDaysQuerySerializer],
        responses={200: AddWorkingDaysSerializer,
                   400: OpenApiResponse(description='{"field": ["message"]}: bad input, or no calendar for the year')},
    )
    def get(self, request):
        query = AddWorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        calendar = WorkingCalendar.load()
        try:
            result = calendar.add_working_days(start, days)
        except CalendarUnavailable as error:
            field = "start" if error.year <= start.year else "days"
            raise serializers.ValidationError({field: [error.message]}) from error
        return Response(AddWorkingDaysSerializer(
            {"start": start, "days": days, "due": result.due, "provisional": result.provisional}).data)
