"""The FilterSets of 代办, shared by the pages, the API and the exports: the catalogue's and the handbook items'."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.choices import OPEN_STATUSES, ApprovalStage, ListType, Status
from guanjia.approvals.models import Approval, ApprovalItem
from guanjia.core.filtersets import ArchivedFilterMixin, FilterSet, IdFilter


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



class ApprovalFilterSet(FilterSet):
    """`status`, `unit` (the authority), `project`, `stage`, and `overdue` (open and past its deadline now)."""

    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=Status.choices)
    unit = IdFilter(label=_("审批部门"), field_name="unit")
    project = IdFilter(label=_("项目"), field_name="project")
    stage = django_filters.ChoiceFilter(label=_("审批阶段"), choices=ApprovalStage.choices)
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")

    class Meta:
        model = Approval
        fields = ["status", "unit", "project", "stage", "overdue"]

    def filter_overdue(self, queryset, name, value):
        # The item's soonest running deadline, as 我的待办 and the reminders read it (a 容缺 gap's included).
        late = Q(status__in=OPEN_STATUSES, item__due_at__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)
