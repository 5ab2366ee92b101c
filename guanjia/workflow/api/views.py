from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from guanjia.core.schema import AutoSchema
from guanjia.workflow import registry, selectors
from guanjia.workflow.api.serializers import WorklistItemSerializer


class WorklistSchema(AutoSchema):
    """The list's parameters: its pages (a list, though not a model's) and the kinds registered when the
    schema is made (workflows register as their apps load, after this module is read)."""

    def get_override_parameters(self):
        pages = [OpenApiParameter(p["name"], p["schema"], description=p["description"])
                 for p in self.view.paginator.get_schema_operation_parameters(self.view)]
        return [
            OpenApiParameter("kind", str, enum=sorted(w.kind for w in registry.registered()),
                             description=_("只列出一种事项（request, unit_task, extension_application, action_item …）")),
            OpenApiParameter("apart", bool, description=_("为 true 时列出等待他人办理的事项")),
            OpenApiParameter("state", str, enum=list(selectors.STATES),
                             description=_("只列出处于该状态的事项（overdue 超期, due_soon 临期, on_track 正常, paused 暂停）")),
            *pages,
        ]


class WorklistView(GenericAPIView):
    """我的待办 (API.md): every open item of every workflow that needs the caller or the caller's unit now,
    soonest deadline first; `counts` per kind. `?apart=true` lists instead the items the caller can only
    wait on for now (a unit's task while its request is suspended)."""

    serializer_class = WorklistItemSerializer
    schema = WorklistSchema()

    @extend_schema(
        responses=inline_serializer("Worklist", {
            "count": serializers.IntegerField(),
            "counts": serializers.DictField(child=serializers.IntegerField()),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": WorklistItemSerializer(many=True),
        }))
    def get(self, request):
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in {w.kind for w in registry.registered()}:
            raise ValidationError({"kind": [_("未知的事项类型。")]})
        apart = request.query_params.get("apart") or False
        try:  # what a boolean parameter may be (true, false, 1, 0 …); anything else is no answer to read
            apart = serializers.BooleanField().to_internal_value(apart)
        except ValidationError as error:
            raise ValidationError({"apart": error.detail}) from None
        state = request.query_params.get("state") or None
        if state is not None and state not in selectors.STATES:
            raise ValidationError({"state": [_("未知的状态。")]})
        listed = selectors.worklist(request.user, kind=kind, apart=apart, state=state)
        page = self.paginate_queryset(listed)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["counts"] = listed.counts() if kind is None else selectors.Worklist(
            request.user, apart=apart, state=state).counts()
        return Response({key: response.data[key] for key in ("count", "counts", "next", "previous", "results")})
