from drf_spectacular.utils import extend_schema
from rest_framework import throttling
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from guanjia.core.api import ScopedReadOnlyViewSet
from guanjia.org.api.serializers import MeSerializer, PersonSerializer, UnitSerializer, WorkstationSerializer
from guanjia.org.models import Unit, User, Workstation


class LoginThrottle(throttling.AnonRateThrottle):
    """Slows password guessing on the token endpoint (the web login has its own lock-out)."""

    scope = "login"
    rate = "20/min"


class TokenView(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token"}` (API.md)."""

    throttle_classes = [LoginThrottle]
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # DRF's view names its own, without ours


class MeView(APIView):
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
