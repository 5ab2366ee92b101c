from rest_framework import serializers

from guanjia.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    request_number = serializers.CharField(source="request.number", read_only=True, default=None, allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "link", "request", "request_number", "created_at",
                  "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
