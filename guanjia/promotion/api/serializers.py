from django.utils import timezone
from rest_framework import serializers

from guanjia.core.api import NameField, VisibleRelatedField
from guanjia.org.models import Unit, User
from guanjia.projects.choices import STAGE_DATE_FIELDS, Stage
from guanjia.promotion import colours, selectors

STAGES = [(s, Stage(s).label) for s, _f in STAGE_DATE_FIELDS]


class WorkItemSerializer(serializers.Serializer):
    """A work item of a project's promotion table (API.md "promotion table")."""

    id = serializers.IntegerField(read_only=True)
    stage = serializers.ChoiceField(choices=STAGES)
    name = serializers.CharField(max_length=200)
    responsible = VisibleRelatedField(User, required=False, allow_null=True)
    responsible_name = NameField(source="responsible")
    unit = VisibleRelatedField(Unit, required=False, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    due_on = serializers.DateField()
    status = serializers.CharField(read_only=True)
    colour = serializers.SerializerMethodField(help_text="green, yellow, red, done (grey), none")
    done_on = serializers.DateField(read_only=True)
    progress_note = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        request = self.context.get("request")
        if request is not None and obj.responsible_id and selectors.shown_person(
                request.user, obj.responsible, obj.project.butler_id) is None:
            data["responsible"] = data["responsible_name"] = None  # an enterprise reads only its butler's name
        return data

    def get_colour(self, obj) -> str:
        now = self.context.setdefault("now", timezone.now())
        return colours.work_item_colour(status=obj.status, due_at=obj.due_at,
                                        warn_at=getattr(obj, "warn_at", None), now=now)

    class Meta:
        ref_name = "WorkItem"



class ActionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
