"""Filter pieces shared by every model's FilterSet."""

import copy
import functools

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from guanjia.core.forms import MAX_ID, OptionsReadAtOnce, read_options_at_once


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


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, without rebuilding every filter and a form class on each call.

    django-filter deep-copies each filter (their choices with them) and makes a new form class, each field new,
    for every FilterSet it makes: 5-6 % of 全部诉求's page and of the list APIs (A/B at 200 000 requests). Here a
    filter is copied shallowly, with what it keeps per call made its own (its parent, its method bound to that
    parent, its field and the arguments the field is made from), and the form class is made once per FilterSet
    class. Each form still copies its fields (Django's own deep copy, as every form does), and a filter whose
    queryset is made from the request (`queryset=callable`) sets it on that copy.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django_filters.filterset.BaseFilterSet.__init__ (django-filter 25.x), each filter copied as above
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        return _form_class(type(self))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = self.get_form_class()(self.data if self.is_bound else None, prefix=self.form_prefix)
            for name, filter_ in self.filters.items():
                if callable(getattr(filter_, "queryset", None)):  # QuerySetRequestMixin: made from the request
                    form.fields[name].queryset = filter_.get_queryset(self.request)
            self._form = form
        return self._form


def _own_copy(filter_):
    copied = copy.copy(filter_)
    copied.__dict__.pop("_field", None)
    copied.extra = dict(filter_.extra)  # a ModelChoiceFilter writes its queryset into it
    if filter_.method is not None:
        copied.method = filter_.method  # a FilterMethod of the copy (the filter's points to the class's filter)
    return copied


class _FilterOptionsReadAtOnce(django_filters.fields.ModelChoiceIterator, OptionsReadAtOnce):
    """django-filter's options (its null choice after the empty one) over rows read at once."""


@functools.cache
def _form_class(filterset_class):
    """The FilterSet's form class, made once: its fields as django-filter makes them, from a FilterSet with no
    request (a queryset made from the request is set on each form's own field: FilterSet.form)."""
    prototype = filterset_class.__new__(filterset_class)
    prototype.request = None
    fields = {}
    for name, filter_ in filterset_class.base_filters.items():
        filter_ = _own_copy(filter_)
        filter_.model, filter_.parent = filterset_class._meta.model, prototype
        fields[name] = filter_.field
    read_options_at_once(fields.values(), _FilterOptionsReadAtOnce)
    return type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)


class ArchivedFilterMixin(FilterSet):
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
