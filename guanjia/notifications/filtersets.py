"""The one FilterSet of notifications, shared by the inbox page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from guanjia.core.filtersets import BooleanFilter, FilterSet
from guanjia.notifications.choices import Kind
from guanjia.notifications.models import Notification


class NotificationFilterSet(FilterSet):
    unread = BooleanFilter(label=_("仅未读"), field_name="read_at", lookup_expr="isnull")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Kind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
