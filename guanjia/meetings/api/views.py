"""Meetings API: `/api/v1/meetings/` (list, retrieve, create, update, transitions, decisions, minutes)
and `/api/v1/meeting-actions/` (action items and their completion). Rows come through `visible_to`."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from guanjia.core.api import ScopedViewSet
from guanjia.core.docx import CONTENT_TYPE
from guanjia.meetings import selectors, services
from guanjia.meetings.api.serializers import (
    ActionItemCreateSerializer,
    ActionItemSerializer,
    CancelSerializer,
    CompleteSerializer,
    HoldSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    SettleSerializer,
)
from guanjia.meetings.filtersets import ActionItemFilterSet, MeetingFilterSet
from guanjia.meetings.models import ActionItem, Meeting

CHANGE = "meetings.change_meeting"


class DocxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the minutes with `Accept: …wordprocessingml.document` or `?format=docx`.

    The minutes come as a ready file (minutes_response); an error is answered as JSON, with JSON's
    content type (ScopedViewSet.finalize_response), never through this renderer.
    """

    media_type = CONTENT_TYPE
    format = "docx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, ScopedViewSet):
    """Joint meetings (会办会 …) the caller may see, with their decisions; every write goes through a service."""

    queryset = Meeting.objects.none()  # the rows come from the selectors in get_queryset (visible_to)
    filterset_class = MeetingFilterSet
    action_permissions = {"create": "meetings.add_meeting", "update": CHANGE, "partial_update": CHANGE,
                          "hold": CHANGE, "close": CHANGE, "cancel": CHANGE, "decisions": CHANGE, "settle": CHANGE}
    state_conflicts = True

    def get_queryset(self):
        user = self.request.user
        if self.detail or self.action == "create":
            return selectors.meeting_detail(user)
        return selectors.meeting_list(user).prefetch_related("units", "attendees", "requests", "projects",
                                                             "settled_requests")

    def get_serializer_class(self):
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def _fresh(self, meeting) -> dict:
        fresh = selectors.meeting_detail(self.request.user).get(pk=meeting.pk)
        return MeetingDetailSerializer(fresh, context=self.get_serializer_context()).data

    def _body(self, serializer_class, request):
        body = serializer_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if (data.pop("minutes", "") or "").strip():
            raise ValidationError({"minutes": [_("会议召开后才能填写纪要。")]})
        meeting = services.meeting_create(actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=meeting.pk)

    def perform_update(self, serializer):
        meeting = serializer.instance
        data = dict(serializer.validated_data)
        convener = data.pop("convener", meeting.convener)
        if convener != meeting.convener:
            raise ValidationError({"convener": [_("召集人不能修改。")]})
        services.meeting_update(actor=self.request.user, meeting=meeting, **data)
        serializer.instance = self.get_queryset().get(pk=meeting.pk)

    @extend_schema(request=HoldSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        """召开: record the minutes; decisions can be added afterwards."""
        meeting = self.get_object()
        data = self._body(HoldSerializer, request)
        meeting = services.meeting_hold(actor=request.user, meeting=meeting, minutes=data["minutes"])
        return Response(self._fresh(meeting))

    @extend_schema(request=None, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """结束 a held meeting; open action items go on being followed."""
        meeting = self.get_object()
        meeting = services.meeting_close(actor=request.user, meeting=meeting)
        return Response(self._fresh(meeting))

    @extend_schema(request=CancelSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消 a planned meeting, with a reason."""
        meeting = self.get_object()
        data = self._body(CancelSerializer, request)
        meeting = services.meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"])
        return Response(self._fresh(meeting))

    @extend_schema(request=ActionItemCreateSerializer, responses={201: ActionItemSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Record a decision as an action item (督办事项) of a held meeting."""
        meeting = self.get_object()
        data = self._body(ActionItemCreateSerializer, request)
        item = services.action_item_add(actor=request.user, meeting=meeting, **data)
        item = selectors.action_item_list(request.user).get(pk=item.pk)
        return Response(ActionItemSerializer(item, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=SettleSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """办结 a request on the agenda by the meeting's decision (through the request's own resolve)."""
        meeting = self.get_object()
        data = self._body(SettleSerializer, request)
        services.meeting_settle_request(actor=request.user, meeting=meeting, request=data["request"],
                                        answer=data["answer"], confirm=data["confirm"])
        return Response(self._fresh(meeting))

    @extend_schema(request=None, responses={(200, CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, DocxRenderer])
    def minutes(self, request, pk=None):
        """The minutes as a Word document (.docx)."""
        from guanjia.meetings.views import minutes_response

        return minutes_response(self.get_object())


class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Action items (督办事项) of the meetings the caller may see; `?state=overdue` lists the late ones."""

    queryset = ActionItem.objects.none()  # the rows come from action_item_list (visible_to)
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilterSet
    action_permissions = {"complete": "meetings.complete_actionitem"}
    state_conflicts = True

    def get_queryset(self):
        return selectors.action_item_list(self.request.user)

    @extend_schema(request=CompleteSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """办结 an action item with its result (owner unit, convener or the center)."""
        item = self.get_object()
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.action_item_complete(actor=request.user, item=item, result=body.validated_data["result"])
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(ActionItemSerializer(fresh, context=self.get_serializer_context()).data)
