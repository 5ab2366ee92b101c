"""Shapes of `GET /api/v1/stats/requests/` (API.md "stats"); rates are 0–1 or null where the denominator is 0."""

from rest_framework import serializers


class FiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="requests created in the period (merged duplicates excluded)")
    accepted = serializers.IntegerField(help_text="requests signed for (accepted_at) in the period")
    resolved = serializers.IntegerField(help_text="of those accepted, how many are resolved now")
    response_rate = serializers.FloatField(
        allow_null=True, help_text="响应率: received requests signed within the sign limit ÷ received requests "
                                   "whose sign clock has stopped or run out")
    closure_rate = serializers.FloatField(allow_null=True, help_text="办结率: resolved ÷ accepted")
    on_time_closure_rate = serializers.FloatField(
        allow_null=True, help_text="按期办结率: resolved by the resolution deadline ÷ resolved")
    satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="满意率: satisfied_ratings ÷ ratings (every rating given, a superseded one included)")
    avg_working_days_to_resolve = serializers.FloatField(
        allow_null=True, help_text="mean working days from acceptance to resolution, suspensions excluded")
    overdue = serializers.IntegerField(help_text="open requests whose running resolution clock is past due")
    ratings = serializers.IntegerField(
        help_text="every rating given on the accepted requests, a superseded one (that reopened the request) "
                  "included; denominator of satisfaction_rate")
    satisfied_ratings = serializers.IntegerField(
        help_text="of those ratings, the satisfied or basically satisfied ones; numerator of satisfaction_rate")
    first_satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="一次满意率: requests whose first rating was satisfied or basically satisfied "
                                   "÷ requests rated")
    reopen_rate = serializers.FloatField(
        allow_null=True, help_text="重办率: resolved requests that were reopened at least once ÷ resolved")
    instructions = serializers.IntegerField(
        help_text="批示数: the leaders' 批示 (instruct) given on the requests received in the period")
    responded_on_time = serializers.IntegerField(help_text="numerator of response_rate")
    response_due = serializers.IntegerField(help_text="denominator of response_rate")
    resolved_on_time = serializers.IntegerField(help_text="numerator of on_time_closure_rate")
    rated = serializers.IntegerField(help_text="accepted requests with at least one rating; denominator of "
                                               "first_satisfaction_rate")
    first_satisfied = serializers.IntegerField(help_text="numerator of first_satisfaction_rate")
    reopened = serializers.IntegerField(help_text="numerator of reopen_rate")


class RowSerializer(FiguresSerializer):
    key = serializers.JSONField(help_text="month YYYY-MM, an id (unit, butler, workstation; null = none) or a code")
    label = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        return {"key": fields.pop("key"), "label": fields.pop("label"), **fields}


class RequestStatsSerializer(FiguresSerializer):
    """The period's figures; with `?by=`, also `by` and its `rows`.

    One shape with the breakdown optional, not a oneOf of two: every answer with `by` also matched the
    shape without it (which allows more properties), so a strict validator refused them all. Left out
    of the data, an optional field is left out of the answer.
    """

    def get_fields(self):
        fields = super().get_fields()
        # `from` cannot be a class attribute (a Python keyword).
        return {"from": serializers.DateField(), "to": serializers.DateField(), **fields,
                "by": serializers.CharField(required=False, help_text="the `by` asked for; only with `?by=`"),
                "rows": RowSerializer(many=True, required=False, help_text="one per key of `by`; only with `?by=`")}
