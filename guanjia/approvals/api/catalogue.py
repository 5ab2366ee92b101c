"""`/api/v1/approval-items/`: the approval catalogue (API.md "approval catalogue"). Everyone signed in reads
their zone's; admins write, through approvals.services.catalogue (403 for others before the body is read)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from guanjia.approvals.choices import ApprovalStage, ListType, OnCorrection
from guanjia.approvals.filtersets import ApprovalItemFilterSet
from guanjia.approvals.models import ApprovalItem
from guanjia.approvals.services import catalogue as services
from guanjia.core.api import BuiltOnceModelSerializer, NameField, ScopedViewSet, VisibleRelatedField
from guanjia.org.models import Unit
from guanjia.projects.choices import ProjectType


class ChoicesListField(serializers.ListField):
    """A list of choices whose errors are a list of messages, as every field's are (API.md), not DRF's
    `{index: [messages]}`."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict):
                detail = [str(message) for messages in detail.values() for message in messages]
            raise serializers.ValidationError(detail) from None


class ApprovalItemSerializer(BuiltOnceModelSerializer):
    unit = VisibleRelatedField(Unit, help_text="审批部门（单位 id）")
    unit_name = NameField(source="unit")
    stage = serializers.ChoiceField(choices=ApprovalStage.choices, help_text="审批阶段")
    list_type = serializers.ChoiceField(choices=ListType.choices, required=False, help_text="清单")
    on_correction = serializers.ChoiceField(choices=OnCorrection.choices, required=False,
                                            help_text="补正时计时：pause 暂停，restart 重新计时")
    prerequisites = VisibleRelatedField(ApprovalItem, many=True, required=False, help_text="前置事项（id）")
    dependents = serializers.SerializerMethodField(help_text="以本事项为前置事项的事项（id）")
    project_types = ChoicesListField(child=serializers.ChoiceField(choices=ProjectType.choices),
                                          required=False, help_text="适用项目类型；空表示全部")
    # Limits are checked by the service (with the numbers named); here only that they are whole numbers.
    statutory_days = serializers.IntegerField(help_text="法定时限（工作日）")
    committed_days = serializers.IntegerField(help_text="承诺时限（工作日）")
    tolerance_days = serializers.IntegerField(required=False, allow_null=True, help_text="容缺补齐时限（工作日）")
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = ApprovalItem
        fields = [
            "id", "code", "name", "unit", "unit_name", "stage", "list_type", "statutory_days", "committed_days",
            "prerequisites", "dependents", "tolerance_allowed", "tolerance_days", "on_correction", "materials",
            "project_types", "order", "archived",
        ]
        # The zone's uniqueness of names is the service's to say (in Chinese, naming the item).
        validators = []
        extra_kwargs = {"name": {"validators": []}}

    def get_dependents(self, item) -> list[int]:
        return [d.pk for d in item.dependents.all()]

    def validate_statutory_days(self, value):
        return self._small(value)

    def validate_committed_days(self, value):
        return self._small(value)

    def validate_tolerance_days(self, value):
        return None if value is None else self._small(value)

    @staticmethod
    def _small(value: int) -> int:
        # The model's validators give the message; a number beyond a database integer must not reach it.
        return max(min(value, 32767), -1)


class ApprovalItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, mixins.DestroyModelMixin, ScopedViewSet):
    """The zone's approval catalogue (审批事项清单); DELETE archives, `POST …/{id}/restore/` brings it back."""

    queryset = ApprovalItem.objects.select_related("unit").prefetch_related("prerequisites", "dependents")
    serializer_class = ApprovalItemSerializer
    filterset_class = ApprovalItemFilterSet
    state_conflicts = True
    action_permissions = {"create": "approvals.add_approvalitem", "update": "approvals.change_approvalitem",
                          "partial_update": "approvals.change_approvalitem",
                          "destroy": "approvals.archive_approvalitem", "restore": "approvals.archive_approvalitem"}

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.detail else queryset.order_by("list_type", "stage", "order", "pk")

    def _fresh(self, item):
        return self.get_queryset().get(pk=item.pk)

    def perform_create(self, serializer):
        item = services.approval_item_create(actor=self.request.user, zone=self.request.user.zone,
                                             **serializer.validated_data)
        serializer.instance = self._fresh(item)

    def perform_update(self, serializer):
        item = services.approval_item_update(actor=self.request.user, item=serializer.instance,
                                             **serializer.validated_data)
        serializer.instance = self._fresh(item)

    def perform_destroy(self, instance):
        services.approval_item_archive(actor=self.request.user, item=instance)

    @extend_schema(request=None, responses=ApprovalItemSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        item = services.approval_item_restore(actor=request.user, item=self.get_object())
        return Response(self.get_serializer(self._fresh(item)).data)
