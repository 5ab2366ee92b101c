"""The one FilterSet of projects, shared by the UI list, the API and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from guanjia.core.filtersets import (
    ArchivedFilterMixin,
    BooleanFilter,
    IdFilter,
    PersonFilter,
    YearFilter,
    person_name_filter,
)
from guanjia.enterprises.filtersets import _workstations
from guanjia.projects.choices import KeyLevel, Stage
from guanjia.projects.models import Project


class ProjectFilterSet(ArchivedFilterMixin):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    stage = django_filters.ChoiceFilter(label=_("阶段"), choices=Stage.choices)
    key_level = django_filters.ChoiceFilter(label=_("重点级别"), choices=[c for c in KeyLevel.choices if c[0]])
    is_key = BooleanFilter(label=_("重点项目"), method="filter_is_key")
    enterprise = IdFilter(label=_("投资企业"), field_name="enterprise")
    workstation = django_filters.ModelChoiceFilter(label=_("工作站"), queryset=_workstations)
    butler = PersonFilter(label=_("项目管家"), field_name="butler")
    butler_name = person_name_filter("butler", _("管家姓名"))
    signed_year = YearFilter(label=_("签约年份"), field_name="signed_on", lookup_expr="year")
    started_year = YearFilter(label=_("开工年份"), field_name="started_on", lookup_expr="year")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("name", "name"), ("total_investment", "total_investment"), ("stage", "stage"),
                ("signed_on", "signed_on"), ("started_on", "started_on"), ("updated_at", "updated_at")),
        field_labels={"name": _("名称"), "total_investment": _("总投资"), "stage": _("阶段"),
                      "signed_on": _("签约日期"), "started_on": _("开工日期"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Project
        fields = ["q", "stage", "key_level", "is_key", "enterprise", "workstation", "butler", "butler_name",
                  "archived"]

    hidden_in_page = ("butler", "enterprise", "signed_year", "started_year")

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__contains=value) if value else queryset

    def filter_is_key(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(key_level="") if value else queryset.filter(key_level="")
