"""The one FilterSet of enterprises: the UI list, the API and the export all use it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.filtersets import ArchivedFilterMixin, PersonFilter, person_name_filter
from guanjia.enterprises import industry as gbt4754
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.models import Enterprise, Tag
from guanjia.enterprises.validators import normalize_uscc
from guanjia.search.indexes import ENTERPRISE_NAME, holds_word


def _workstations(request):
    from guanjia.org.models import Workstation

    return Workstation.objects.visible_to(request.user) if request else Workstation.objects.none()


def name_or_code(value: str, *, using: str = "default") -> Q:
    """Enterprises whose name contains `value` (through the grams index, guanjia/search) or whose credit code
    starts with it: the 企业库's search and the raise form's picker."""
    code = normalize_uscc(value)
    named = holds_word(ENTERPRISE_NAME, value, using=using) & Q(name__contains=value)
    if code and code.isascii() and code.isalnum():  # a credit code is digits and capital letters
        return named | Q(uscc__startswith=code)
    return named


class EnterpriseFilterSet(ArchivedFilterMixin):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    industry = django_filters.ChoiceFilter(label=_("行业大类"), choices=gbt4754.CHOICES)
    section = django_filters.ChoiceFilter(
        label=_("行业门类"), choices=gbt4754.SECTION_CHOICES, field_name="industry", lookup_expr="startswith"
    )
    scale = django_filters.ChoiceFilter(label=_("规模"), choices=Scale.choices)
    tag = django_filters.ModelChoiceFilter(
        label=_("标签"), field_name="tags", queryset=Tag.objects.all(), to_field_name="code"
    )
    workstation = django_filters.ModelChoiceFilter(label=_("工作站"), queryset=_workstations)
    butler = PersonFilter(label=_("企业管家"), field_name="butler")
    butler_name = person_name_filter("butler", _("管家姓名"))
    contact_leader = PersonFilter(label=_("联系领导"), field_name="contact_leader")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("name", "name"), ("uscc", "uscc"), ("industry", "industry"), ("created_at", "created_at"),
                ("updated_at", "updated_at")),
        field_labels={"name": _("名称"), "uscc": _("信用代码"), "industry": _("行业"),
                      "created_at": _("登记时间"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Enterprise
        fields = ["q", "industry", "section", "scale", "tag", "workstation", "butler", "butler_name",
                  "contact_leader", "archived"]

    # Parameters kept in the page's links but not shown as inputs.
    hidden_in_page = ("butler", "contact_leader")

    def search(self, queryset, name, value):
        """Name contains the words, or the credit code starts with what was typed."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(name_or_code(value, using=queryset.db))
