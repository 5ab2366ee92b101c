from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer, NameField, VisibleRelatedField
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import User, Workstation
from guanjia.projects.choices import STAGE_PLAN_FIELDS
from guanjia.projects.models import Project

WAN = Decimal(10000)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,15}(\.0{0,2})?$"})
class YuanField(serializers.DecimalField):
    """Money in yuan as a decimal string (API.md), exact to the yuan: the registry keeps 万元 to 4 places
    (Project.total_investment), so 24.73 yuan could not be kept. At most 15 digits: SQLite reads a decimal
    back through a float, exact to 15 digits (16 made a 500 on reading the project back)."""

    default_error_messages = {"whole_yuan": _("金额精确到元，角、分须为 0。")}

    def __init__(self, **kwargs):
        super().__init__(max_digits=17, decimal_places=2, min_value=Decimal(0), **kwargs)

    def to_representation(self, value):
        return super().to_representation(value * WAN)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value != value.to_integral_value():
            self.fail("whole_yuan")
        return value / WAN


class ProjectSerializer(BuiltOnceModelSerializer):
    total_investment = YuanField(help_text="总投资（元）")
    total_investment_wan = serializers.DecimalField(
        source="total_investment", max_digits=16, decimal_places=2, read_only=True, help_text="总投资（万元）"
    )
    is_key = serializers.BooleanField(read_only=True)
    enterprise = VisibleRelatedField(Enterprise)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    workstation = VisibleRelatedField(Workstation, required=False, allow_null=True)
    butler = VisibleRelatedField(User, required=False, allow_null=True)
    butler_name = NameField(source="butler")
    contact_leader = VisibleRelatedField(User, required=False, allow_null=True)
    contact_leader_name = NameField(source="contact_leader")
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "name", "enterprise", "enterprise_name", "stage", "total_investment", "total_investment_wan",
            "key_level", "is_key", "workstation", "butler", "butler_name", "contact_leader", "contact_leader_name",
            "signed_on", "land_on", "started_on", "completed_on", "producing_on", "capacity_on", "project_type",
            *(field for _stage, field in STAGE_PLAN_FIELDS), "address", "description", "archived", "created_at",
            "updated_at",
        ]
        read_only_fields = ["stage", "created_at", "updated_at"]
