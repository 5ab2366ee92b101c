"""Forms of the working-day calculator (工作日计算器) and of the holiday notice import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.calendar import parse_notice
from guanjia.core.calendar.services import MIN_YEAR
from guanjia.core.forms import RequestFormMixin

MAX_DAYS = 1000


class WorkingDaysForm(RequestFormMixin, forms.Form):
    start = forms.DateField(label=_("起算日"), widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("从次日起算。"))
    days = forms.IntegerField(label=_("工作日数"), min_value=1, max_value=MAX_DAYS)


class HolidayNoticeForm(RequestFormMixin, forms.Form):
    """A year's State Council holiday notice, typed or pasted in the notice text format."""

    year = forms.IntegerField(label=_("年份"), min_value=MIN_YEAR, max_value=2100)
    source = forms.CharField(label=_("来源"), max_length=300, help_text=_("通知文号，例如：国办发明电〔2026〕7号"))
    notice = forms.CharField(
        label=_("放假与调休上班日期"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace"}),
        help_text=_("每行一个假期：“2027-01-01..2027-01-03 元旦”；调休上班日：“上班 2027-02-14 春节”；# 开头的行为注释。"),
    )

    def clean_notice(self):
        self.parsed = parse_notice(self.cleaned_data["notice"])  # its ValidationError lists every bad line
        return self.cleaned_data["notice"]
