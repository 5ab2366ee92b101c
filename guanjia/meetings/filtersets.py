"""The one FilterSet of meetings and of action items, shared by the list pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.core.filtersets import FilterSet, IdFilter
from guanjia.meetings.choices import ItemState, ItemStatus, Kind, Status
from guanjia.meetings.models import ActionItem, Meeting


def _units(request):
    from guanjia.org.models import Unit

    return Unit.objects.visible_to(request.user) if request else Unit.objects.none()


class MeetingFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    kind = django_filters.ChoiceFilter(label=_("会议类型"), choices=Kind.choices)
    date_from = django_filters.DateFilter(label=_("日期起"), field_name="starts_at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("日期止"), field_name="starts_at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    unit = django_filters.ModelChoiceFilter(label=_("参会单位"), field_name="units", queryset=_units,
                                            method="filter_unit")
    request = IdFilter(label=_("议题诉求"), method="filter_request")
    enterprise = IdFilter(label=_("企业"), method="filter_enterprise")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("starts_at", "starts_at"), ("title", "title"), ("status", "status")),
        field_labels={"starts_at": _("会议时间"), "title": _("会议名称"), "status": _("状态")},
    )

    class Meta:
        model = Meeting
        fields = ["q", "status", "kind", "date_from", "date_to", "unit", "request", "enterprise"]

    # Kept in the page's links (an enterprise's page links here) but not shown as inputs.
    hidden_in_page = ("enterprise",)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__contains=value) | Q(place__contains=value))

    # Many-to-many filters select ids first so that a meeting is never listed twice.
    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=Meeting.units.through.objects.filter(unit=value).values("meeting"))

    def filter_request(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=Meeting.requests.through.objects.filter(request=value).values("meeting"))

    def filter_enterprise(self, queryset, name, value: int):
        """Meetings on the enterprise's requests or projects (its page links here)."""
        from guanjia.meetings.selectors import about_enterprise

        return queryset if value is None else queryset.filter(about_enterprise(value))


class ActionItemFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ItemState.choices, method="filter_state")
    owner_unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=_units)
    meeting = IdFilter(label=_("会议"), field_name="meeting")
    request = IdFilter(label=_("关联诉求"), field_name="request")
    due_from = django_filters.DateFilter(label=_("时限起"), field_name="deadline", lookup_expr="date__gte",
                                         widget=forms.DateInput(attrs={"type": "date"}))
    due_to = django_filters.DateFilter(label=_("时限止"), field_name="deadline", lookup_expr="date__lte",
                                       widget=forms.DateInput(attrs={"type": "date"}))
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("deadline", "deadline"), ("created_at", "created_at")),
        field_labels={"deadline": _("完成时限"), "created_at": _("登记时间")},
    )

    class Meta:
        model = ActionItem
        fields = ["q", "state", "owner_unit", "meeting", "request"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__contains=value) | Q(meeting__title__contains=value))

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == ItemState.DONE:
            return queryset.filter(status=ItemStatus.DONE)
        if value == ItemState.OVERDUE:
            return queryset.filter(status=ItemStatus.OPEN, deadline__lt=now)
        if value == ItemState.OPEN:
            return queryset.filter(status=ItemStatus.OPEN, deadline__gte=now)
        return queryset
