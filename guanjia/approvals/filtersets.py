"""The one FilterSet of the approval catalogue, shared by its page, the API and the export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.choices import ApprovalStage, ListType
from guanjia.approvals.models import ApprovalItem
from guanjia.core.filtersets import ArchivedFilterMixin, IdFilter


class ApprovalItemFilterSet(ArchivedFilterMixin):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    list_type = django_filters.ChoiceFilter(label=_("清单"), choices=ListType.choices)
    stage = django_filters.ChoiceFilter(label=_("审批阶段"), choices=ApprovalStage.choices)
    unit = IdFilter(label=_("审批部门"), field_name="unit")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("name", "name"), ("committed_days", "committed_days"), ("statutory_days", "statutory_days"),
                ("order", "order")),
        field_labels={"name": _("名称"), "committed_days": _("承诺时限"), "statutory_days": _("法定时限"),
                      "order": _("排序")},
    )

    class Meta:
        model = ApprovalItem
        fields = ["q", "list_type", "stage", "unit", "archived"]

    hidden_in_page = ("unit",)

    def search(self, queryset, name, value):
        """Name, code or authority unit contains the words (a catalogue is a hundred rows: a scan is enough)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__contains=value) | Q(code__contains=value) | Q(unit__name__contains=value))
