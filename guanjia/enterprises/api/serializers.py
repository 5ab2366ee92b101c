from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanjia.core.api import BuiltOnceModelSerializer, NameField, VisibleRelatedField
from guanjia.core.masking import can_see_phones, mask_phone
from guanjia.enterprises import industry
from guanjia.enterprises.models import Contact, Enterprise, Tag
from guanjia.org.models import User, Workstation


class ContactSerializer(BuiltOnceModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "name", "title", "phone", "email", "is_primary"]

    def get_phone(self, contact) -> str:
        request = self.context.get("request")
        if request is not None and can_see_phones(request.user):
            return contact.phone
        return mask_phone(contact.phone)


class EnterpriseSerializer(BuiltOnceModelSerializer):
    """An enterprise as API.md lists it; `*_name` fields are read-only conveniences.

    `internal_note` (内部备注) is the staff's: absent (not null) from every answer to a person without
    `enterprises.view_internal_note`, that is to every enterprise contact.
    """

    tags = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Tag.objects.all(), required=False)
    industry = serializers.ChoiceField(choices=industry.CHOICES, required=False, allow_blank=True)
    industry_name = serializers.CharField(source="industry_label", read_only=True)
    workstation = VisibleRelatedField(Workstation, required=False, allow_null=True)
    # Null without a workstation. Not `default=None`: DRF leaves a default out of a partial update, so a
    # PATCH's answer lacked the field (its schema requires it).
    workstation_name = serializers.CharField(source="workstation.name", read_only=True, allow_null=True)
    butler = VisibleRelatedField(User, required=False, allow_null=True)
    butler_name = NameField(source="butler")
    contact_leader = VisibleRelatedField(User, required=False, allow_null=True)
    contact_leader_name = NameField(source="contact_leader")
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "uscc", "industry", "industry_name", "scale", "tags", "workstation", "workstation_name",
            "butler", "butler_name", "contact_leader", "contact_leader_name", "address", "legal_representative",
            "internal_note", "archived", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness and the check character are the service's job (one message, same on every path).
        extra_kwargs = {"uscc": {"validators": []},
                        "internal_note": {"help_text": _("内部备注：仅园区工作人员可见；企业联系人的应答中没有此字段。")}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not request.user.has_perm("enterprises.view_internal_note"):
            del fields["internal_note"]
        return fields


class EnterpriseDetailSerializer(EnterpriseSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "contacts"]
