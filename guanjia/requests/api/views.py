from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from guanjia.core.api import ScopedViewSet
from guanjia.requests import selectors, services
from guanjia.requests.api.serializers import (
    ActionSerializer,
    EventSerializer,
    RequestDetailSerializer,
    RequestSerializer,
)
from guanjia.requests.filtersets import RequestFilterSet
from guanjia.requests.models import Request, UnitTask

# action name of API.md -> (service, the body fields it takes)
ACTION_SERVICES = {
    "accept": (services.request_accept, ["comment"]),
    "reply": (services.request_reply, ["answer", "resolve", "comment"]),
    "transfer": (services.request_transfer, ["lead_unit", "co_units", "unit_due", "comment"]),
    "sign": (services.request_unit_sign, ["comment"]),
    "feedback": (services.request_unit_feedback, ["comment"]),
    "return": (services.request_return, ["reason"]),
    "reassign": (services.request_reassign, ["lead_unit", "co_units", "unit_due", "comment"]),
    "extend": (services.request_extend, ["days", "reason"]),
    "suspend": (services.request_suspend, ["reason", "comment"]),
    "resume": (services.request_resume, ["comment"]),
    "escalate": (services.request_escalate, ["target", "comment"]),
    "resolve": (services.request_resolve, ["answer", "comment"]),
    "rate": (services.request_rate, ["rating", "reason"]),
    "reopen": (services.request_reopen, ["comment"]),
    "close": (services.request_close, ["comment"]),
    "merge": (services.request_merge, ["into", "comment"]),
}
# Fields the body may leave out: the service then answers with its own clear 400.
DEFAULTS = {"lead_unit": None, "co_units": [], "unit_due": None, "rating": "", "target": ""}
# Fields without which the action cannot be understood at all.
REQUIRED = {"extend": ["days"], "merge": ["into"]}


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Requests (诉求) the caller may see; `POST` raises one; each transition is `POST {id}/{action}/`."""

    queryset = Request.objects.select_related("enterprise", "butler", "lead_unit")
    filterset_class = RequestFilterSet

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RequestDetailSerializer
        if self.action in ACTION_SERVICES:
            return ActionSerializer
        if self.action == "timeline":
            return EventSerializer
        return RequestSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("unit_tasks", queryset=UnitTask.objects.select_related("unit")))
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("source", "phone")
        serializer.instance = services.request_raise(actor=self.request.user, **data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        obj = self.get_object()
        events = selectors.timeline(obj, request.user)
        return Response(EventSerializer(events, many=True).data)

    def _act(self, request, name: str):
        obj = self.get_object()
        body = ActionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        missing = [f for f in REQUIRED.get(name, []) if f not in body.validated_data]
        if missing:
            raise ValidationError({f: [_("此字段是必填项。")] for f in missing})
        service, fields = ACTION_SERVICES[name]
        kwargs = {f: body.validated_data.get(f, DEFAULTS.get(f)) for f in fields
                  if f in body.validated_data or f in DEFAULTS}
        if name == "feedback":
            kwargs["attachments"] = request.FILES.getlist("attachments")
        updated = service(actor=request.user, request=obj, version=body.validated_data.get("version"), **kwargs)
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(RequestDetailSerializer(fresh, context=self.get_serializer_context()).data)


def _make_action(name: str):
    def handler(self, request, pk=None):
        return self._act(request, name)

    handler.__name__ = f"action_{name}"
    handler.__doc__ = f"`{name}` transition (see API.md)."
    return extend_schema(request=ActionSerializer, responses=RequestDetailSerializer)(
        action(detail=True, methods=["post"], url_path=name, url_name=name)(handler)
    )


for _name in ACTION_SERVICES:
    setattr(RequestViewSet, f"action_{_name}", _make_action(_name))
