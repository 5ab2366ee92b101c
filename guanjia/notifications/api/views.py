from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from guanjia.core.api import ScopedReadOnlyViewSet
from guanjia.notifications import services
from guanjia.notifications.api.serializers import NotificationSerializer, ReadAllSerializer
from guanjia.notifications.filtersets import NotificationFilterSet
from guanjia.notifications.models import Notification


class NotificationViewSet(ScopedReadOnlyViewSet):
    """The caller's own notices (`?unread=true`, `?kind=`); `POST {id}/read/`, `POST read-all/`."""

    queryset = Notification.objects.select_related("item")
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(actor=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_all_read(actor=request.user)})
