"""The sign-in log's filters: one FilterSet for the page, its .xlsx export and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.accounts.choices import Channel, Outcome
from guanjia.accounts.models import SignInEvent
from guanjia.core.filtersets import FilterSet


class AddressFilter(django_filters.Filter):
    field_class = forms.GenericIPAddressField


class SignInEventFilterSet(FilterSet):
    username = django_filters.CharFilter(label=_("账号"), field_name="username", lookup_expr="iexact")
    outcome = django_filters.ChoiceFilter(label=_("结果"), choices=Outcome.choices)
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices)
    # A well-formed address only: PostgreSQL's inet column refuses anything else with an error.
    address = AddressFilter(label=_("来源地址"), field_name="address")
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(
        label=_("结束日期"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = SignInEvent
        fields = ["username", "outcome", "channel", "address", "date_from", "date_to"]

