"""Forms of 代办's pages: they parse input; the services check and write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.models import ApprovalItem
from guanjia.core.forms import IdsField, RequestFormMixin
from guanjia.org.models import Unit
from guanjia.projects.choices import ProjectType


class PrerequisitesField(IdsField):
    """The prerequisites, shown as a checkbox list under a search box (approvals/catalogue_form.html; the
    search is approvals/catalogue.js, and without script every item stays listed)."""

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_stage_display()} · {obj.unit.name}）"


class ApprovalItemForm(RequestFormMixin, forms.ModelForm):
    """Add or edit a catalogue item (审批事项)."""

    prerequisites = PrerequisitesField(label=_("前置事项"), queryset=ApprovalItem.objects.none(), required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("须先办结的事项；输入名称可筛选。前置事项不能形成循环。"))
    project_types = forms.MultipleChoiceField(label=_("适用项目类型"), choices=ProjectType.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("生成服务手册时按项目类型选入；都不选表示适用于全部类型。"))

    class Meta:
        model = ApprovalItem
        fields = ["name", "code", "list_type", "stage", "unit", "statutory_days", "committed_days",
                  "tolerance_allowed", "tolerance_days", "on_correction", "prerequisites", "project_types",
                  "materials", "order"]
        widgets = {"materials": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["unit"].queryset = Unit.objects.visible_to(user).active().order_by("name")
        visible = ApprovalItem.objects.visible_to(user)
        choices = visible.active()
        if self.instance.pk:
            # Keep an archived prerequisite the item already has, so that saving the form does not drop it.
            choices = visible.filter(Q(archived_at__isnull=True) | Q(dependents=self.instance)).distinct()
            choices = choices.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = choices.select_related("unit").order_by(
            "list_type", "stage", "order", "pk")
        for name in ("prerequisites", "project_types"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for name in ("statutory_days", "committed_days", "tolerance_days"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 365})

    def _post_clean(self):
        # The service validates the real object (full_clean and the catalogue's own rules).
        pass


class CatalogueImportForm(RequestFormMixin, forms.Form):
    file = forms.FileField(label=_("审批事项清单（.xlsx）"))
