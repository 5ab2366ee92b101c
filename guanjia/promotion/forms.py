"""Forms of the promotion table's pages: they only parse input; the services check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.forms import RequestFormMixin
from guanjia.org.models import Unit, User
from guanjia.projects.choices import STAGE_DATE_FIELDS, ProjectType, Stage
from guanjia.promotion.choices import Colour

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STAGE_CHOICES = [(s, Stage(s).label) for s, _f in STAGE_DATE_FIELDS]


def staff(request):
    """Zone staff a table's work can be given to (no enterprise contact)."""
    return (User.objects.visible_to(request.user).filter(is_active=True, enterprise__isnull=True)
            .exclude(roles=Role.ENTERPRISE).distinct().order_by("name"))


def units(request):
    return Unit.objects.visible_to(request.user).order_by("name")


class HandOverForm(RequestFormMixin, forms.Form):
    handed_over_on = forms.DateField(label=_("协议移交日期"), widget=DATE)
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StageMoveForm(RequestFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("推进到"), choices=STAGE_CHOICES)
    on = forms.DateField(label=_("实际日期"), widget=DATE)
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StageCorrectForm(RequestFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=STAGE_CHOICES)
    on = forms.DateField(label=_("更正为"), widget=DATE, required=False, help_text=_("留空表示清除最后一个阶段的日期。"))
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(RequestFormMixin, forms.Form):
    comment = forms.CharField(label=_("调整说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stage, label in reversed(STAGE_CHOICES):
            self.fields = {f"plan_{stage}": forms.DateField(label=_("计划%(stage)s") % {"stage": label},
                                                             required=False,
                                                             widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                                                    format="%Y-%m-%d")),
                           **self.fields}

    def planned(self) -> dict:
        return {stage: self.cleaned_data.get(f"plan_{stage}") for stage, _l in STAGE_CHOICES}


class TaskForceForm(RequestFormMixin, forms.Form):
    members = forms.ModelMultipleChoiceField(label=_("专班成员"), queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    comment = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = staff(self.request)


class WorkItemForm(RequestFormMixin, forms.Form):
    """Add a work item by hand, or change an open one."""

    stage = forms.ChoiceField(label=_("阶段"), choices=STAGE_CHOICES)
    name = forms.CharField(label=_("推进事项"), max_length=200)
    responsible = forms.ModelChoiceField(label=_("责任人"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None, required=False)
    due_on = forms.DateField(label=_("完成时限"), widget=DATE)
    progress_note = forms.CharField(label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff(self.request)
        self.fields["unit"].queryset = units(self.request)
        if editing:
            del self.fields["stage"]
        else:
            del self.fields["progress_note"]


class CompleteForm(RequestFormMixin, forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DATE)
    comment = forms.CharField(label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(RequestFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(RequestFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(ReasonForm):
    due_on = forms.DateField(label=_("新的完成时限"), widget=DATE, required=False,
                             help_text=_("留空则沿用原完成时限。"))


class LinkForm(RequestFormMixin, forms.Form):
    """The requests (诉求) and approvals (代办事项) of the work item's project that it waits on."""

    requests = forms.ModelMultipleChoiceField(label=_("关联诉求"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    approvals = forms.ModelMultipleChoiceField(label=_("关联审批事项"), queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, work_item=None, **kwargs):
        from guanjia.approvals.models import Approval
        from guanjia.requests.models import Request

        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["requests"].queryset = (Request.objects.visible_to(user).filter(project=work_item.project_id)
                                            .order_by("-created_at"))
        self.fields["approvals"].queryset = (Approval.objects.visible_to(user).filter(project=work_item.project_id)
                                             .order_by("order", "pk"))


class BoardFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), required=False, choices=[("", _("全部")), *STAGE_CHOICES])
    key_level = forms.ChoiceField(label=_("重点级别"), required=False)
    butler = forms.ModelChoiceField(label=_("项目管家"), queryset=None, required=False, empty_label=_("全部"))
    colour = forms.ChoiceField(label=_("颜色"), required=False,
                               choices=[("", _("全部")), *[(c.value, c.label) for c in Colour]])

    def __init__(self, *args, request, **kwargs):
        from guanjia.projects.choices import KeyLevel

        super().__init__(*args, **kwargs)
        self.fields["key_level"].choices = [("", _("全部")), *[c for c in KeyLevel.choices if c[0]]]
        self.fields["butler"].queryset = (User.objects.visible_to(request.user).with_role(Role.BUTLER)
                                          .order_by("name"))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class ImportForm(RequestFormMixin, forms.Form):
    file = forms.FileField(label=_("促建表文件（.xlsx）"))


class TemplateForm(RequestFormMixin, forms.Form):
    project_type = forms.ChoiceField(label=_("项目类型"), choices=ProjectType.choices)
    name = forms.CharField(label=_("模板名称"), max_length=100)


class TemplateItemForm(RequestFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=STAGE_CHOICES)
    name = forms.CharField(label=_("推进事项"), max_length=200)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None, required=False)
    days = forms.IntegerField(label=_("完成时限（移交后工作日）"), min_value=1, max_value=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(self.request)
