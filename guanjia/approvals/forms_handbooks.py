"""Forms of the handbook's pages: they only parse input; the services (services.handbooks) decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.models import Approval, ApprovalItem
from guanjia.core.choices import Role
from guanjia.core.forms import RequestFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def zone_staff(request):
    """The people of the caller's zone who may be a proxy agent (代办员): staff, not enterprises' contacts."""
    from guanjia.org.models import User

    return (User.objects.visible_to(request.user).filter(is_active=True, enterprise__isnull=True)
            .exclude(roles__code=Role.ENTERPRISE).distinct().order_by("name"))


class HandbookPlanForm(RequestFormMixin, forms.Form):
    """Make or re-plan a handbook: its start date (起算日期) and the catalogue items it needs."""

    start = forms.DateField(label=_("起算日期"), widget=DATE,
                            help_text=_("无前置事项的事项自次日起算承诺时限（工作日）。"))
    items = forms.ModelMultipleChoiceField(label=_("审批事项"), queryset=ApprovalItem.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = ApprovalItem.objects.filter(
            zone=project.zone_id, archived_at__isnull=True).order_by("stage", "order", "pk")


class HandbookCreateForm(HandbookPlanForm):
    agent = forms.ModelChoiceField(label=_("代办员"), queryset=None, required=False,
                                   help_text=_("留空则由项目管家代办。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["comment"]
        self.fields["agent"].queryset = zone_staff(self.request)


class AgentForm(RequestFormMixin, forms.Form):
    agent = forms.ModelChoiceField(label=_("代办员"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = zone_staff(self.request)


class PrerequisitesForm(RequestFormMixin, forms.Form):
    prerequisites = forms.ModelMultipleChoiceField(label=_("前置事项"), queryset=Approval.objects.none(),
                                                   required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, approval, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prerequisites"].queryset = Approval.objects.filter(handbook=approval.handbook_id).exclude(
            pk=approval.pk).order_by("order", "pk")


class AuthorizeForm(RequestFormMixin, forms.Form):
    authorized_on = forms.DateField(label=_("委托日期"), widget=DATE, required=False,
                                    help_text=_("留空为今天。"))
    letter = forms.FileField(label=_("委托书"), help_text=_("企业签署的委托书扫描件（PDF 或图片）。"))
