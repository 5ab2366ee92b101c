"""The one FilterSet of handbook items (代办事项), shared by the API list and the pages."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.choices import OPEN_STATUSES, ApprovalStage, Status
from guanjia.approvals.models import Approval
from guanjia.core.filtersets import IdFilter


class ApprovalFilterSet(django_filters.FilterSet):
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
