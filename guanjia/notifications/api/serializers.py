from rest_framework import serializers

from guanjia.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """A notice, in the reader's language (the request's, or the person's own setting)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(source="shown_title", read_only=True)
    body = serializers.CharField(source="shown_body", read_only=True)
    item_kind = serializers.CharField(source="item.kind", read_only=True, default=None, allow_null=True)
    number = serializers.CharField(source="item.number", read_only=True, default=None, allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "link", "item", "item_kind", "number", "created_at",
                  "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
