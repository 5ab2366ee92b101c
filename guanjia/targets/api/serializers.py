"""Shapes of `/api/v1/targets/`, `GET /api/v1/stats/projects/` and the investment endpoints (API.md)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer, NameField, VisibleRelatedField
from guanjia.projects.api.serializers import YuanField
from guanjia.projects.models import Project
from guanjia.targets.choices import TargetKind
from guanjia.targets.models import InvestmentReport, Target
from guanjia.targets.selectors import target_progress

VALUE = {"max_digits": 16, "decimal_places": 4, "min_value": 0}


class TargetSerializer(BuiltOnceModelSerializer):
    """A zone's annual target. `value` and `actual` count projects, or 万元 for `investment`; `actual` is
    counted from the projects for every kind but `custom`, whose actual is entered by hand; `progress` =
    actual ÷ value (null where the value is 0)."""

    zone = serializers.IntegerField(source="zone_id", read_only=True, help_text="the caller's zone")
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    value = serializers.DecimalField(**VALUE)
    actual = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "zone", "year", "kind", "kind_display", "label", "value", "actual", "progress"]

    def _figures(self, target):
        return target_progress(target, self.context.get("actuals", {}))

    def get_actual(self, target) -> str | None:
        actual = self._figures(target)[0]
        return None if actual is None else str(actual)

    def get_progress(self, target) -> float | None:
        return self._figures(target)[1]


class TargetWriteSerializer(serializers.Serializer):
    """What a create or an update reads; `actual` is a custom target's figure so far."""

    zone = serializers.IntegerField(required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=TargetKind.choices,
                                   error_messages={"invalid_choice": _("指标须为 new_starts、in_production、"
                                                                       "agreements_signed、investment、custom 之一。")})
    label = serializers.CharField(required=False, allow_blank=True, max_length=60)
    value = serializers.DecimalField(**VALUE)
    actual = serializers.DecimalField(required=False, allow_null=True, **VALUE)


class TargetUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(required=False, allow_blank=True, max_length=60)
    value = serializers.DecimalField(required=False, **VALUE)
    actual = serializers.DecimalField(required=False, allow_null=True, **VALUE)


@extend_schema_field({"type": "number", "nullable": True})
class NumberField(serializers.ReadOnlyField):
    """A count as a whole number (11), an amount in 万元 as a number (18236.5): as the selector gives it."""


class FigureSerializer(serializers.Serializer):
    target = NumberField(help_text="the year's target; null where none is set")
    actual = NumberField(help_text="counted from the projects (a custom target's: entered by hand)")
    progress = serializers.FloatField(allow_null=True, help_text="actual ÷ target, 0–1 (or above); null without "
                                                                 "a target")


class ProjectStatsSerializer(serializers.Serializer):
    """API.md "stats …/projects/": `year`, `targets` (every counted kind, and custom ones by label),
    `agreements_received`, `agreements_started`, `agreement_start_rate`; and beside them `half_year` (双过半),
    `funnel`, `investment` (万元, by month) and `key_projects`."""

    year = serializers.IntegerField()
    targets = serializers.DictField(child=FigureSerializer())
    agreements_received = serializers.IntegerField(help_text="projects with signed_on in the year")
    agreements_started = serializers.IntegerField(help_text="of those, the ones with a started_on")
    agreement_start_rate = serializers.FloatField(allow_null=True, help_text="started ÷ received")
    half_year = serializers.JSONField(help_text="双过半: each target's actual by 30 June against half its value")
    funnel = serializers.JSONField(help_text="projects per current stage and per stage reached")
    investment = serializers.JSONField(help_text="the year's plan and completed investment (万元), by month")
    key_projects = serializers.JSONField(help_text="key projects: count, total and completed investment (万元)")


class InvestmentReportSerializer(BuiltOnceModelSerializer):
    """A month's completed investment of a project; `amount` in yuan (API.md money), `amount_wan` in 万元."""

    project = VisibleRelatedField(Project)
    project_name = serializers.CharField(source="project.name", read_only=True)
    month = serializers.SerializerMethodField()
    amount = YuanField()
    amount_wan = serializers.DecimalField(source="amount", max_digits=16, decimal_places=4, read_only=True)
    reported_by_name = NameField(source="reported_by")

    class Meta:
        model = InvestmentReport
        fields = ["id", "project", "project_name", "month", "amount", "amount_wan", "note", "reported_by",
                  "reported_by_name", "updated_at"]
        read_only_fields = ["reported_by", "updated_at"]

    def get_month(self, report) -> str:
        return report.month.strftime("%Y-%m")


class InvestmentReportWriteSerializer(serializers.Serializer):
    project = VisibleRelatedField(Project, required=False)
    month = serializers.CharField(help_text="YYYY-MM")
    amount = YuanField(help_text="completed investment of the month, in yuan")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="required where the cumulative completion would pass the total "
                                           "investment (the confirmation)")


class InvestmentPlanWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    amount = YuanField(help_text="the year's planned investment, in yuan")
