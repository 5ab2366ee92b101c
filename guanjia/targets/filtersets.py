"""The one FilterSet of targets and of monthly investment reports, shared by the pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.filtersets import FilterSet, IdFilter
from guanjia.targets.choices import TargetKind
from guanjia.targets.models import InvestmentReport, Target

YEAR_ERRORS = {"min_value": _("年度须为 2000–2100 之间的整数。"), "max_value": _("年度须为 2000–2100 之间的整数。"),
               "invalid": _("年度须为 2000–2100 之间的整数。")}



class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # a year is a whole number: 2026.5 is refused, not rounded


class TargetFilterSet(FilterSet):
    year = YearFilter(label=_("年度"), min_value=2000, max_value=2100, error_messages=YEAR_ERRORS)
    kind = django_filters.ChoiceFilter(label=_("指标"), choices=TargetKind.choices)

    class Meta:
        model = Target
        fields = ["year", "kind"]


class InvestmentReportFilterSet(FilterSet):
    project = IdFilter(label=_("项目"), field_name="project")
    year = YearFilter(label=_("年度"), field_name="month", lookup_expr="year", min_value=2000,
                                       max_value=2100, error_messages=YEAR_ERRORS)

    class Meta:
        model = InvestmentReport
        fields = ["project", "year"]
