from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from guanjia.core.api import ScopedViewSet
from guanjia.core.predicates import require
from guanjia.enterprises import services
from guanjia.enterprises.api.serializers import EnterpriseDetailSerializer, EnterpriseSerializer
from guanjia.enterprises.filtersets import EnterpriseFilterSet
from guanjia.enterprises.models import Enterprise


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("q", str, description="名称包含或信用代码开头")]),
    destroy=extend_schema(description="归档（不物理删除）。"),
)
class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Enterprises (企业库) the caller may see; writes go through the enterprise services."""

    queryset = Enterprise.objects.select_related("workstation", "butler", "contact_leader").prefetch_related("tags")
    filterset_class = EnterpriseFilterSet
    action_permissions = {"create": "enterprises.add_enterprise", "update": "enterprises.change_enterprise",
                          "partial_update": "enterprises.change_enterprise", "destroy": "enterprises.archive_enterprise",
                          "restore": "enterprises.archive_enterprise"}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("contacts")
        return queryset

    def get_serializer_class(self):
        return EnterpriseDetailSerializer if self.action == "retrieve" else EnterpriseSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.enterprise_create(
            actor=self.request.user, zone=self.request.user.zone, **data
        )

    def perform_update(self, serializer):
        enterprise = serializer.instance
        user = self.request.user
        data = dict(serializer.validated_data)
        butler = data.pop("butler", enterprise.butler)
        leader = data.pop("contact_leader", enterprise.contact_leader)
        tags = data.pop("tags", None)
        if butler != enterprise.butler or leader != enterprise.contact_leader:
            require(user, "enterprises.assign_enterprise", enterprise)
        enterprise = services.enterprise_update(actor=user, enterprise=enterprise, tags=tags, **data)
        if butler != enterprise.butler:
            enterprise = services.enterprise_assign_butler(actor=user, enterprise=enterprise, butler=butler)
        if leader != enterprise.contact_leader:
            enterprise = services.enterprise_assign_contact_leader(actor=user, enterprise=enterprise, leader=leader)
        serializer.instance = self.get_queryset().get(pk=enterprise.pk)

    def perform_destroy(self, instance):
        services.enterprise_archive(actor=self.request.user, enterprise=instance)

    @extend_schema(request=None, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        enterprise = self.get_object()
        services.enterprise_restore(actor=request.user, enterprise=enterprise)
        return Response(EnterpriseSerializer(self.get_queryset().get(pk=enterprise.pk),
                                             context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)
