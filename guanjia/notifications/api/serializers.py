from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer
from guanjia.notifications.models import Notification


class NotificationSerializer(BuiltOnceModelSerializer):
    """A notice, in the reader's language: their own setting, else the request's (a token's caller too)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    item_kind = serializers.CharField(source="item.kind", read_only=True, allow_null=True)
    number = serializers.CharField(source="item.number", read_only=True, allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "link", "item", "item_kind", "number", "created_at",
                  "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None

    def _language(self) -> str | None:
        """The caller's own language (a notice is its recipient's alone), else the request's."""
        request = self.context.get("request")
        return getattr(getattr(request, "user", None), "language", "") or None

    def get_title(self, obj) -> str:
        return obj.title_in(self._language())

    def get_body(self, obj) -> str:
        return obj.body_in(self._language())


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
