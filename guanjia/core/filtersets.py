"""Filter pieces shared by every model's FilterSet."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.forms import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """A related row by id (`?enterprise=12`): a whole number a row id can be, else the filter is invalid
    (400 in the API; ignored on a page). Anything else would reach the database, which refuses it."""

    field_class = forms.IntegerField
    bounds = (1, MAX_ID)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.bounds[0])
        kwargs.setdefault("max_value", self.bounds[1])
        super().__init__(*args, **kwargs)


class _YesNoSelect(forms.NullBooleanSelect):
    """Hands a value it cannot read to the field, which refuses it, instead of reading it as "not given"."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        read = super().value_from_datadict(data, files, name)
        return value if read is None and value not in (None, "", "unknown") else read


class _YesNoField(forms.NullBooleanField):
    """true / false (as the API's schema and the page's select send them), or nothing; anything else is invalid.

    Django's NullBooleanField reads every other value as "not given", so `?open=abc` listed everything.
    """

    widget = _YesNoSelect

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        if value in (None, "", "unknown"):
            return None
        read = {"true": True, "1": True, "false": False, "0": False}.get(str(value).lower())
        if read is None:
            raise forms.ValidationError(_("须为 true 或 false。"), code="invalid")
        return read


class BooleanFilter(django_filters.BooleanFilter):
    """`?open=true` or `false` (`1`, `0`); left blank, not applied. Anything else makes the filter invalid
    (400 in the API; an empty list on a page), as an id does."""

    field_class = _YesNoField


class YearFilter(IdFilter):
    """A year (`?signed_year=2026`), within the years a date can have."""

    bounds = (1, 9999)


class ArchivedFilterMixin(django_filters.FilterSet):
    """Lists show current records; `archived=true` shows the archived ones instead, `all` both."""

    archived = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("false", _("在册")), ("true", _("已归档")), ("all", _("全部"))],
        method="filter_archived",
        empty_label=None,
    )

    def filter_archived(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=(value != "true"))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Without the parameter, only current records (the filter above is skipped when absent).
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset


class PersonFilter(IdFilter):
    """A person by id (`?butler=12`): links and the API use it; the page offers a name search instead,
    because a zone may have thousands of people and a select of them all is slow to render."""


def person_name_filter(field: str, label):
    return django_filters.CharFilter(label=label, field_name=f"{field}__name", lookup_expr="contains")


def person_choices(request, role: str):
    """People of the caller's zone holding a role, for a filter or form select."""
    from guanjia.org.models import User

    if request is None:
        return User.objects.none()
    return User.objects.visible_to(request.user).with_role(role).order_by("name")
