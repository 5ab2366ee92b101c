from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from guanjia.core.api import ScopedReadOnlyViewSet
from guanjia.org.api.serializers import MeSerializer, PersonSerializer, UnitSerializer, WorkstationSerializer
from guanjia.org.models import Unit, User, Workstation


class MeView(APIView):
    allowed_before_password_change = True

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.active()
    serializer_class = UnitSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name"]


class WorkstationViewSet(ScopedReadOnlyViewSet):
    queryset = Workstation.objects.active()
    serializer_class = WorkstationSerializer


class PersonViewSet(ScopedReadOnlyViewSet):
    queryset = User.objects.prefetch_related("roles")

    def get_queryset(self):
        return super().get_queryset().filter(is_active=True)
    serializer_class = PersonSerializer
    filterset_fields = ["unit", "workstation", "roles"]
