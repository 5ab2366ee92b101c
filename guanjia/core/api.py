"""The API's shared pieces: pagination, error mapping, and the base viewset that enforces visible_to."""

from __future__ import annotations

import copy
import operator

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, renderers, serializers, status, viewsets
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from guanjia.core.errors import Conflict
from guanjia.core.predicates import require


def validation_error_detail(error: DjangoValidationError) -> dict | list:
    """A Django ValidationError as API.md's `{"field": ["message", …]}`."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """Services raise Django errors; the API answers them as API.md says (400 / 403 / 409)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)  # the service's own words, when it gave any
    elif isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, Http404):  # Django's text names the model, in English ("No Request matches …")
        exc = exceptions.NotFound(_("未找到。"))
    return drf_exception_handler(exc, context)


class ScopedViewSet(viewsets.GenericViewSet):
    """Base for every model endpoint: rows come only from `visible_to(request.user)`; outside scope is 404.

    Subclasses name `queryset` (with its select_related/prefetch) and, for writes,
    implement `perform_create`/`perform_update` by calling services. Ids in addresses are ASCII
    digits: DRF's default `[^/.]+` let `int()` read a full-width "１" as request 1. `state_conflicts`
    says that writes to an object may meet its workflow state or a concurrent change (409), for the schema.
    """

    lookup_value_regex = "[0-9]+"
    state_conflicts = False
    # The permission (django-rules) each write action needs, checked before the body is read: a caller who
    # may not write gets 403 whatever they send, never a 400 that lists the fields' rules. Detail actions
    # check it on the object (in get_object), after the scope's 404.
    action_permissions: dict[str, str] = {}
    # What a list shows of each joined relation (`queryset`'s select_related): a list reads only these columns
    # of them (and every column of its own rows), not each related row whole.
    list_related_columns: dict[str, tuple[str, ...]] = {}

    def check_permissions(self, request):
        super().check_permissions(request)
        permission = self.action_permissions.get(self.action)
        if permission and not self.detail:
            require(request.user, permission)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        permission = self.action_permissions.get(self.action)
        if permission and self.detail:
            require(request.user, permission, obj)

    def get_queryset(self):
        queryset = self.queryset.visible_to(self.request.user)
        if self.list_related_columns and self.action == "list":
            own = (field.name for field in queryset.model._meta.concrete_fields)
            queryset = queryset.only(*own, *(f"{relation}__{column}" for relation, columns
                                             in self.list_related_columns.items() for column in columns))
        return queryset

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is JSON whatever file was asked for (`?format=docx`): `{"detail": …}` labelled as a
        # Word document was a broken file to the client, and not the error the schema documents.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "render_style", "text") == "binary":
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def filter_queryset(self, queryset):
        # List filters (and their "current records only" default) do not hide a single object.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


_WITH_CHILDREN = (serializers.BaseSerializer, serializers.ManyRelatedField, serializers.ListField,
                  serializers.DictField)


class BuiltOnceModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields are built from the model once per class, then copied per instance.

    DRF builds a ModelSerializer's fields from the model's metadata on every instantiation;
    on a hot write (raising a request) that was a fifth of the call. A subclass that builds
    fields depending on the instance or its context must not use this.

    DRF's own copy (`deepcopy`) builds each field again from its arguments. A field without
    children is only configuration until `bind()` gives it a name and a parent, which are set on
    the copy, so a shallow copy is enough there; fields with children (nested serializers,
    lists, many-related) bind those children to themselves and are deep-copied as DRF does.
    """

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prototype_fields = prototype
        return {name: copy.deepcopy(field) if isinstance(field, _WITH_CHILDREN) else copy.copy(field)
                for name, field in prototype.items()}

    def to_representation(self, instance):
        """DRF's, with the value of each field that shows a column (of the row, or of a row it names by a foreign
        key) or a foreign key's id read by one getter made once per serializer, not by DRF's generic walk (a
        Mapping test and a callable test at every step, a PKOnlyObject per id): about a quarter of a list call
        under cProfile. Whatever a getter cannot read (a missing related row, a dict instead of a model: the
        validated data a serializer shows before it is saved) is read again DRF's way, with its defaults, nulls
        and errors."""
        reads = self.__dict__.get("_reads")
        if reads is None:
            model = self.Meta.model
            reads = self._reads = [(field.field_name, *_getter(field, model), field) for field in self._readable_fields]
        shown = {}
        for name, getter, shows_id, field in reads:
            try:
                attribute = getter(instance) if getter is not None else _UNREAD
            except (AttributeError, ObjectDoesNotExist):  # not a model row (validated data), no related row
                attribute = _UNREAD
            if shows_id and attribute is not _UNREAD:  # a related row's id, shown as it is (DRF: PKOnlyObject)
                shown[name] = attribute
                continue
            try:
                if attribute is _UNREAD:
                    attribute = field.get_attribute(instance)
            except SkipField:
                continue
            # As DRF: a related row's id stands in for the row (PKOnlyObject), and None is shown as null.
            empty = (attribute.pk if isinstance(attribute, PKOnlyObject) else attribute) is None
            shown[name] = None if empty else field.to_representation(attribute)
        return shown


_UNREAD = object()  # what a getter could not read: DRF's own walk reads it


def _getter(field, model) -> tuple:
    """(getter, whether it reads a foreign key's id) for `field`, or (None, False) where DRF's walk must read it."""
    id_getter = _id_getter(field, model)
    return (id_getter, True) if id_getter is not None else (_column_getter(field, model), False)


def _id_getter(field, model):
    """A getter of the id a `PrimaryKeyRelatedField` shows for a foreign key of the row (its `…_id` column, as
    DRF reads it through `serializable_value`), or None for any other field."""
    if (not isinstance(field, serializers.PrimaryKeyRelatedField) or field.pk_field is not None
            or type(field).to_representation is not serializers.PrimaryKeyRelatedField.to_representation
            or type(field).get_attribute is not serializers.RelatedField.get_attribute
            or not field.use_pk_only_optimization() or len(field.source_attrs) != 1):
        return None
    try:
        relation = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not relation.concrete or not (relation.many_to_one or relation.one_to_one):
        return None
    return operator.attrgetter(relation.attname)


def _column_getter(field, model):
    """A getter of the column `field` shows (`name`, `enterprise.name`: forward relations, then a concrete field
    that is no relation), or None where DRF's own `get_attribute` must do (a method, a property, a related row,
    a field that reads its value its own way; a foreign key's id is `_id_getter`'s)."""
    if type(field).get_attribute is not serializers.Field.get_attribute or not field.source_attrs:
        return None
    try:
        for name in field.source_attrs[:-1]:
            step = model._meta.get_field(name)
            if not (step.many_to_one or step.one_to_one) or not step.concrete:
                return None
            model = step.related_model
        column = model._meta.get_field(field.source_attrs[-1])
    except FieldDoesNotExist:
        return None
    if not column.concrete or column.is_relation or column.name != field.source_attrs[-1]:
        return None
    return operator.attrgetter(".".join(field.source_attrs))


class NameField(serializers.CharField):
    """How a related row is shown (its `str`), or null where there is none: `NameField(source="butler")`.

    A `source="butler.__str__"` showed the text of `None.__str__` where there is no butler (DRF calls
    a bound method, not a method-wrapper). The row is the one the view's queryset read: select_related
    it there, or each row costs a query.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(value)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a related row the caller must be able to see: looked up in `model.objects.visible_to(user)`.

    Every writable relation of the API is one of these, so that a row outside the caller's scope
    "does not exist" (400) and a fraction is no id. The scoped queryset is built only when a value
    is validated (a serializer that only reads builds none), from the request in the serializer's
    context; without a signed-in caller nothing is visible. `limit_choices_to` (a dict or a Q, as on
    a model's ForeignKey) narrows the visible rows further; `select_related` names relations to read
    along with the row.
    """

    def __init__(self, model=None, *, select_related: tuple[str, ...] = (), limit_choices_to=None, **kwargs):
        self.model, self.select_related, self.limit_choices_to = model, select_related, limit_choices_to
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model._default_manager.all()  # for the schema; the scoped one is below
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.model._default_manager.none()
        queryset = self.model._default_manager.visible_to(user)
        if self.limit_choices_to is not None:
            queryset = queryset.complex_filter(self.limit_choices_to)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def to_internal_value(self, data):
        # The database would read 1.5 as row 1: a fraction is no id.
        if isinstance(data, float) and not data.is_integer():
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
