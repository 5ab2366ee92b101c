from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanjia.accounts.models import ApiToken, SignInEvent
from guanjia.core.api import BuiltOnceModelSerializer


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    label = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                  help_text=_("令牌的名称（如调用它的系统），便于日后识别和吊销"))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("之后每次请求发送 `Authorization: Token <token>`"))
    expiry = serializers.DateTimeField(allow_null=True, help_text=_("过期时间；null 为永不过期"))


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=4096, trim_whitespace=False)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False)


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    token = serializers.CharField(
        required=False, help_text=_("以令牌调用时，原令牌已失效，这是新签发的令牌"))
    expiry = serializers.DateTimeField(required=False, allow_null=True)


class ApiTokenSerializer(BuiltOnceModelSerializer):
    id = serializers.CharField(source="handle", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "label", "created", "expiry", "address", "current"]

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class SignInEventSerializer(BuiltOnceModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = SignInEvent
        fields = ["id", "username", "at", "address", "channel", "outcome", "actor", "detail"]
