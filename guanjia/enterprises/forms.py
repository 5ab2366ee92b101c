from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.forms import IdsField, RequestFormMixin, people_with_role
from guanjia.enterprises.models import Contact, Enterprise
from guanjia.org.models import Workstation

# A code pasted from a spreadsheet or a licence scan may carry spaces, dashes or full-width characters: the
# input takes it whole (no maxlength that cuts it first) and the model folds it to its 18 characters.
USCC_PASTE_MAX = 64


class EnterpriseForm(RequestFormMixin, forms.ModelForm):
    """Create or edit an enterprise. Butler and leader are set here only on creation;
    afterwards they change through 交接 (handover) so the history is kept. The form says what the
    enterprise's contacts will see: every field but the internal note (内部备注)."""

    class Meta:
        model = Enterprise
        fields = ["name", "uscc", "industry", "scale", "tags", "address", "legal_representative",
                  "workstation", "butler", "contact_leader", "internal_note"]
        widgets = {"tags": forms.CheckboxSelectMultiple, "internal_note": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"tags": IdsField}

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=USCC_PASTE_MAX,
                           help_text=_("18 位；粘贴的空格、横线和全角字符会自动去除。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].widget.attrs["class"] = "form-check-input"
        self.fields["workstation"].queryset = Workstation.objects.visible_to(self.request.user)
        if self.instance.pk:
            del self.fields["butler"]
            del self.fields["contact_leader"]
        else:
            self.fields["butler"].queryset = people_with_role(self.request, Role.BUTLER)
            self.fields["contact_leader"].queryset = people_with_role(self.request, Role.LEADER)

    def validate_unique(self):
        # Uniqueness is checked by the service, with the same message on every path.
        pass

    def _post_clean(self):
        # The service runs full_clean() on the real object; the form only parses input.
        pass


class ContactForm(RequestFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]

    def __init__(self, *args, enterprise=None, **kwargs):
        self.enterprise = enterprise
        super().__init__(*args, **kwargs)


class ImportForm(RequestFormMixin, forms.Form):
    file = forms.FileField(label=_("企业名录（.xlsx）"))
    update_existing = forms.BooleanField(
        label=_("更新已登记企业"), required=False,
        help_text=_("勾选后，已登记的信用代码按表中非空单元格更新；不勾选则视为错误。"),
    )
