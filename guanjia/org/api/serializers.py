from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer
from guanjia.org.models import Unit, User, Workstation


class MeSerializer(BuiltOnceModelSerializer):
    roles = serializers.SerializerMethodField()
    # Each is null where the person has none (a butler has no unit, a unit handler no workstation …).
    unit = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    enterprise = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    workstation = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    zone = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "roles", "unit", "enterprise", "workstation", "zone"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_codes)


class UnitSerializer(BuiltOnceModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "kind_display", "phone"]


class WorkstationSerializer(BuiltOnceModelSerializer):
    class Meta:
        model = Workstation
        fields = ["id", "name", "area", "head"]
        read_only_fields = fields  # the API only lists workstations


class PersonSerializer(BuiltOnceModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "roles", "unit", "enterprise", "workstation"]
        read_only_fields = fields  # the API only lists people

    def get_roles(self, user) -> list[str]:
        return sorted(role.code for role in user.roles.all())
