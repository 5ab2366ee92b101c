"""The token endpoint, one's own password and tokens, and the sign-in log (admins)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, mixins, permissions, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from guanjia.accounts import services
from guanjia.accounts.api.serializers import (
    ApiTokenSerializer,
    PasswordChangedSerializer,
    PasswordChangeSerializer,
    SignInEventSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from guanjia.accounts.choices import Channel
from guanjia.accounts.filtersets import SignInEventFilterSet
from guanjia.accounts.models import ApiToken, SignInEvent
from guanjia.core.predicates import require


def locked_message(until) -> str:
    from django.utils import timezone

    return _("登录失败次数过多，账号已锁定至 %(time)s，请稍后再试或联系管理员。") % {
        "time": timezone.localtime(until).strftime("%H:%M")}


class TokenView(APIView):
    """`POST {"username", "password"}` → `{"token", "expiry"}` (API.md). Counted against the same
    lock-out as the web login; a locked account gets no token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    allowed_before_password_change = True
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, 400: OpenApiResponse(
        description=_("用户名或密码不正确，或已锁定"))})
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            user = services.sign_in(request, username=data["username"], password=data["password"],
                                    channel=Channel.API)
        except services.SignInRefused as refused:
            message = locked_message(refused.locked_until) if refused.locked else _("用户名或密码不正确。")
            raise exceptions.ValidationError({"non_field_errors": [message]}, code="locked" if refused.locked
                                             else "authorization") from None
        token, key = services.issue_token(request, user, label=data.get("label", ""))
        return Response(TokenSerializer({"token": key, "expiry": token.expiry}).data)


class PasswordView(APIView):
    """`POST {"old_password", "new_password"}`: every token issued before it stops working; a caller
    signed in by token gets a new one in the answer."""

    allowed_before_password_change = True

    @extend_schema(request=PasswordChangeSerializer, responses=PasswordChangedSerializer)
    def post(self, request):
        body = PasswordChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        channel = Channel.API if isinstance(request.auth, ApiToken) else Channel.WEB
        services.change_own_password(request, user=request.user, channel=channel, **body.validated_data)
        answer = {"detail": _("密码已修改。")}
        if channel == Channel.API:
            token, key = services.issue_token(request, request.user, label=request.auth.label)
            answer.update(TokenSerializer({"token": key, "expiry": token.expiry}).data)
        elif hasattr(request, "session"):
            from django.contrib.auth import update_session_auth_hash

            from guanjia.accounts.middleware import password_changed

            update_session_auth_hash(request._request, request.user)
            password_changed(request._request)
        return Response(answer)


class MyTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """One's own API tokens: `GET` lists them (never their keys), `DELETE …/{id}/` revokes one."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # the schema's model; the rows are the caller's own
    lookup_field = "handle"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-f]{12}"

    @extend_schema(parameters=[OpenApiParameter(
        "id", str, OpenApiParameter.PATH, pattern="^[0-9a-f]{12}$", description=_("令牌编号（列表中的 id）"))])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.visible_to(self.request.user).order_by("-created")

    def perform_destroy(self, instance):
        services.revoke_tokens(user=self.request.user, actor=self.request.user, request=self.request,
                               handles=[instance.handle], channel=Channel.API)


class SignInLogView(generics.ListAPIView):
    """Admins only: every sign-in, failure, lock-out, sign-out, token revocation, password and role change."""

    serializer_class = SignInEventSerializer
    filterset_class = SignInEventFilterSet
    ordering_fields = ["at"]

    @extend_schema(responses={200: SignInEventSerializer(many=True),
                              403: OpenApiResponse(description=_("仅管理员可查看登录日志"))})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def check_permissions(self, request):
        super().check_permissions(request)
        require(request.user, "accounts.view_sign_in_log")

    def get_queryset(self):
        return SignInEvent.objects.visible_to(self.request.user).select_related("actor")
