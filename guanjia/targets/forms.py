"""Forms of the targets page, the projects statistics and a project's investment card. They parse; the services
check (and their errors come back onto the form by field)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.targets.choices import TargetKind

YEAR_ERRORS = {"invalid": _("年度须为 2000–2100 之间的整数，例如 2026。"),
               "min_value": _("年度须为 2000–2100 之间的整数，例如 2026。"),
               "max_value": _("年度须为 2000–2100 之间的整数，例如 2026。")}
NUMBER = {"class": "form-control form-control-sm", "inputmode": "decimal"}


class YearForm(forms.Form):
    """`?year=` of the targets page and the statistics (default: this year)."""

    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100,
                              error_messages=YEAR_ERRORS,
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))

    @property
    def year_value(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class TargetForm(forms.Form):
    """One row of the targets page, edited in place: the year's target of a kind (a custom one with its label)."""

    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput, error_messages=YEAR_ERRORS)
    kind = forms.ChoiceField(choices=TargetKind.choices, widget=forms.HiddenInput)
    label = forms.CharField(label=_("指标名称"), required=False, max_length=60,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    value = forms.CharField(label=_("目标值"), widget=forms.TextInput(attrs=NUMBER))
    actual = forms.CharField(label=_("完成值"), required=False, widget=forms.TextInput(attrs=NUMBER))


class InvestmentReportForm(forms.Form):
    month = forms.CharField(label=_("月份"), widget=forms.DateInput(attrs={"type": "month",
                                                                         "class": "form-control form-control-sm"}))
    amount = forms.CharField(label=_("当月完成投资（万元）"), widget=forms.TextInput(attrs=NUMBER))
    note = forms.CharField(label=_("说明"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                           help_text=_("累计完成投资超过总投资时必填。"))


class InvestmentPlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, error_messages=YEAR_ERRORS,
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    amount = forms.CharField(label=_("年度计划投资（万元）"), widget=forms.TextInput(attrs=NUMBER))
