import re

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from guanjia.core.api import ScopedViewSet
from guanjia.requests import actions, selectors, services
from guanjia.requests.api.serializers import (
    EventSerializer,
    RequestDetailSerializer,
    RequestSerializer,
    action_serializer,
)
from guanjia.requests.filtersets import RequestFilterSet
from guanjia.requests.models import Request

IDEMPOTENCY_KEY = re.compile(rf"[A-Za-z0-9_.:-]{{1,{services.INTAKE_KEY_MAX}}}")


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Requests (诉求) the caller may see; `POST` raises one; each transition is `POST {id}/{action}/`."""

    queryset = Request.objects.select_related("enterprise", "butler", "lead_unit", "instructed_by")
    filterset_class = RequestFilterSet
    state_conflicts = True
    intake_key = ""  # the raising call's Idempotency-Key

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RequestDetailSerializer
        if self.action and self.action.removeprefix("action_") in actions.ACTION_SERVICES:
            return action_serializer(self.action.removeprefix("action_"))  # the browsable API's form
        if self.action == "timeline":
            return EventSerializer
        return RequestSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        return self._with_unit_tasks(queryset) if self.action == "retrieve" else queryset

    @staticmethod
    def _with_unit_tasks(queryset):
        """What RequestDetailSerializer shows of the units: one query for all the tasks."""
        return queryset.prefetch_related(Prefetch("unit_tasks", queryset=selectors.unit_tasks()))

    @extend_schema(
        parameters=[OpenApiParameter(
            # An empty header is read as none (the schema says so: a fuzzer's empty key was "accepted" against it).
            "Idempotency-Key", {"type": "string", "pattern": f"^({IDEMPOTENCY_KEY.pattern})?$"},
            OpenApiParameter.HEADER,
            description="Optional, up to 64 letters, digits, `-`, `_`, `.` or `:` (empty: none). Sent again by the same person "
                        "with the same body, the call makes no second request and answers 200 with the first one; "
                        "with another body, 422.")],
        responses={
            201: RequestSerializer,
            200: OpenApiResponse(RequestSerializer, description="A replay (same Idempotency-Key, same body): "
                                                                "the request the first call raised."),
            409: OpenApiResponse(description="A replay of a request the caller can no longer see."),
            422: OpenApiResponse(description="The Idempotency-Key was used for a request with another body: "
                                             "`{\"Idempotency-Key\": [\"…\"]}`."),
        })
    def create(self, request, *args, **kwargs):
        services.check_may_raise(request.user)  # a role that may not raise hears so, not about its input
        key = request.headers.get("Idempotency-Key", "")
        if key and not IDEMPOTENCY_KEY.fullmatch(key):
            raise ValidationError({"Idempotency-Key": [_("须为 1–64 个字母、数字或 - _ . : 。")]})
        self.intake_key = key
        try:
            return super().create(request, *args, **kwargs)
        except services.AlreadyRaised as already:
            if not already.same:  # the key was reused for another request: the client's mistake, made plain
                return Response({"Idempotency-Key": [_("该 Idempotency-Key 已用于一条内容不同的诉求，请为新诉求使用新的键。")]},
                                status=status.HTTP_422_UNPROCESSABLE_ENTITY)
            if already.request is None:  # no longer the caller's to see: a plain 409
                raise
            return Response(self.get_serializer(already.request).data, status=status.HTTP_200_OK)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("source", "phone")
        # Files come as multipart `attachments`, as on the actions (checked by the service).
        serializer.instance = services.request_raise(actor=self.request.user, **data, intake_key=self.intake_key,
                                                     attachments=self.request.FILES.getlist("attachments"))

    # Every event, as a plain list: no page, and the request list's filters do not apply (nor, then, appear
    # in the schema).
    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """Every event of the request (API.md): who, when, action, from and to status, comment."""
        obj = self.get_object()
        events = selectors.timeline(obj, request.user)
        return Response(EventSerializer(events, many=True).data)

    def _act(self, request, name: str):
        obj = self.get_object()
        services.check_may_act(request.user, name)  # 403 before the body is read, as before its state (409)
        body = action_serializer(name)(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        updated = actions.perform(name, actor=request.user, request=obj, data=dict(body.validated_data),
                                  files=request.FILES.getlist("attachments"))
        fresh = self._with_unit_tasks(self.get_queryset()).get(pk=updated.pk)
        return Response(RequestDetailSerializer(fresh, context=self.get_serializer_context()).data)


ACTION_DOCS = {
    "apply_extension": "申请延期: the request's butler, or a handler of a unit with an open task on it, asks for "
                       "`days` more working days with a `reason` (required). One application may be pending per "
                       "request (409 for a second); the cap on extensions is checked now (409 / 400 on `days`).",
    "approve_extension": "批准延期: a leader or admin grants the pending application; the extension is made as by "
                         "`extend` (capped and counted; `move_unit_deadlines` as there). `comment` is optional. "
                         "409 when none is pending.",
    "deny_extension": "驳回延期申请: a leader or admin refuses the pending application with a `reason` (required). "
                      "409 when none is pending.",
    # -- arbitration (issue 14) --
    "uphold_return": "同意退单: the center releases a unit that returned its task: the task stays returned, the "
                     "other units go on; the lead unit's released, the request goes back to 办理中 (`accepted`) "
                     "to be transferred again. `unit` (id) names the returning unit, needed only when more than "
                     "one return waits (400 on `unit`); `comment` is optional. 409 when no return waits.",
    "dismiss_return": "驳回退单: the center gives the returned task back to the unit (待签收 or 办理中 as before, its "
                      "old deadline) with its instruction in `comment` (required). `unit` as for uphold-return. "
                      "409 when no return waits.",
    "reassign": "仲裁改派: the center settles every waiting return by giving the request to `lead_unit` and "
                "`co_units`; a unit named again keeps its task (open, or answered: its feedback stands). "
                "`unit_due` / `co_unit_due` may not be later than the request's 办结时限 (400 naming both "
                "dates). 409 when no return waits.",
    "transfer": "转办: to `lead_unit` and `co_units`, each with a deadline: `unit_due` (every unit) and "
                "`co_unit_due` (the co-units), by date; neither may be later than the request's 办结时限 (400 on "
                "the field, naming both dates: extend the request first).",
    "extend": "延期: a leader or admin moves the 办结时限 by `days` working days with a `reason`. With "
              "`move_unit_deadlines` true, every open unit task whose deadline ends before the new 办结时限 is "
              "moved to it (the event's `moved_units`); by default no unit deadline moves.",
    "instruct": "批示: a leader's instruction (`comment`, required) to the request's butler (`to_butler`) and/or units "
                "working on it (`to_units`, ids; naming neither addresses them all, a unit not working on it is a "
                "400). Counted (`instruction_count`) and shown as `latest_instruction`. An escalated request goes "
                "back to whoever held it before the escalation; any other open request stays. Leaders only (403); "
                "409 on a resolved, closed or merged request.",
}


def _make_action(name: str):
    def handler(self, request, pk=None):
        return self._act(request, name)

    handler.__name__ = f"action_{name}"
    handler.__doc__ = ACTION_DOCS.get(name, f"`{name}` transition (see API.md).")
    path = name.replace("_", "-")  # apply_extension -> …/apply-extension/, as URLs are spelled
    return extend_schema(request=action_serializer(name), responses=RequestDetailSerializer)(
        action(detail=True, methods=["post"], url_path=path, url_name=path)(handler)
    )


for _name in actions.ACTION_SERVICES:
    setattr(RequestViewSet, f"action_{_name}", _make_action(_name))
