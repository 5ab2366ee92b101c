from decimal import Decimal

from rest_framework import serializers

from guanjia.core.api import NameField, VisibleRelatedField
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import User, Workstation
from guanjia.projects.models import Project

WAN = Decimal(10000)


class YuanField(serializers.DecimalField):
    """Money in yuan as a decimal string (API.md); the registry keeps 万元."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=20, decimal_places=2, min_value=Decimal(0), **kwargs)

    def to_representation(self, value):
        return super().to_representation(value * WAN)

    def to_internal_value(self, data):
        return super().to_internal_value(data) / WAN


class ProjectSerializer(serializers.ModelSerializer):
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
            "signed_on", "land_on", "started_on", "completed_on", "producing_on", "capacity_on", "address",
            "description", "archived", "created_at", "updated_at",
        ]
        read_only_fields = ["stage", "created_at", "updated_at"]
