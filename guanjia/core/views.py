"""Base views: every page fetches through `visible_to(request.user)`; writes call services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import generic

from guanjia.core import audit
from guanjia.core.choices import Role
from guanjia.core.errors import Conflict
from guanjia.core.pagination import IdsFirstPaginator


class ScopedMixin(LoginRequiredMixin):
    """The view's rows are `model.objects.visible_to(user)`; anything else answers 404."""

    model = None
    queryset = None

    def scoped_queryset(self):
        base = self.queryset if self.queryset is not None else self.model.objects.all()
        return base.visible_to(self.request.user)

    def get_queryset(self):
        return self.scoped_queryset()


class PermissionMixin:
    """`permission` (a django-rules name) checked against the object, or the model when there is none."""

    permission: str | None = None

    def check_permission(self, obj=None) -> None:
        if self.permission and not self.request.user.has_perm(self.permission, obj):
            raise PermissionDenied


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An .xlsx download, its file name (Chinese ones too) in the header as every browser reads it."""
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class FilteredListView(ScopedMixin, generic.ListView):
    """A list with the model's FilterSet, sorting and pagination; htmx asks for the table only."""

    filterset_class = None
    paginate_by = 50
    partial_template_name: str | None = None
    paginator_class = IdsFirstPaginator

    def get_queryset(self):
        self.scoped = super().get_queryset()
        self.filterset = self.get_filterset(self.scoped)
        style_filter_form(self.filterset.form)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_filterset(self, queryset):
        return self.filterset_class(self.request.GET, queryset=queryset, request=self.request)

    def shown_rows(self, scoped):
        """What a page shows of the rows (`scoped`: the list before its filters): its rows are read from it by id."""
        return scoped

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
                                    shown=self.shown_rows(self.scoped), **kwargs)

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


def style_filter_form(form) -> None:
    """Bootstrap's small controls on a FilterSet's form, and 全部/是/否 for yes-no filters."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


class ScopedDetailView(ScopedMixin, generic.DetailView):
    pass


class ServiceFormView(ScopedMixin, PermissionMixin, generic.FormView):
    """A form whose valid data is handed to a service; the service's errors come back onto the form.

    Subclasses implement `perform(form)` (returns the saved object) and may set
    `object_view = True` to work on one visible object (`self.object`).
    """

    object_view = False
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = None
        if self.object_view:
            self.object = get_object_or_404(self.scoped_queryset(), pk=kwargs["pk"])
        self.check_permission(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context

    def form_valid(self, form):
        try:
            saved = self.perform(form)
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url(saved))

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, saved=None):
        return saved.get_absolute_url()


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                for message in e.messages:
                    form.add_error(target, message if target else f"{_label(form, field)}{message}")
    else:
        for message in error.messages:
            form.add_error(None, message)


def _label(form, field: str) -> str:
    if field == "__all__":
        return ""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return f"{model._meta.get_field(field).verbose_name}："
        except Exception:  # noqa: BLE001 - an unknown field name is shown as is
            pass
    return f"{field}："


class HistoryMixin:
    """Adds the record's audit trail (操作历史) to the context, without the changes of the fields the reader
    may not see (`private_fields`: field -> the permission that reads it)."""

    private_fields: dict[str, str] = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        hidden = {name for name, perm in self.private_fields.items() if not user.has_perm(perm, self.object)}
        history = audit.history_for(self.object, hidden=hidden)
        if audit.enterprise_reader(user):
            history = audit.as_an_enterprise_reads(history, self.object, reader=user)
        context["history"] = history
        return context


class AssignView(ServiceFormView):
    """Handover (交接) of a record's butler or contact leader; the service keeps the history.

    Configure with `model`, `permission`, `duty` ("butler"/"leader") and `assign`,
    a service called as `assign(actor=…, record=…, person=…, reason=…)`.
    """

    object_view = True
    template_name = "core/assign_form.html"
    duty = "butler"
    assign = None

    def get_form_class(self):
        from guanjia.core.forms import AssignForm

        return AssignForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["duty_role"] = Role.BUTLER if self.duty == "butler" else Role.LEADER
        return kwargs

    def get_context_data(self, **kwargs):
        from django.utils.translation import gettext as _

        context = super().get_context_data(**kwargs)
        context["duty_label"] = _("管家") if self.duty == "butler" else _("联系领导")
        return context

    def perform(self, form):
        from django.utils.translation import gettext as _

        person = form.cleaned_data["person"]
        saved = self.assign(actor=self.request.user, record=self.object, person=person,
                            reason=form.cleaned_data["reason"])
        if person is None:
            message = _("已取消指派管家。") if self.duty == "butler" else _("已取消指派联系领导。")
        else:
            message = (_("已更换管家为 %(name)s。") if self.duty == "butler"
                       else _("已更换联系领导为 %(name)s。")) % {"name": person}
        messages.success(self.request, message)
        return saved


class ArchiveView(ScopedMixin, generic.View):
    """POST only: archive a record (or bring it back with `restore=True`) through its services."""

    permission = ""
    archive = None
    restore_service = None
    restore = False

    def post(self, request, pk):
        from django.utils.translation import gettext as _

        record = get_object_or_404(self.scoped_queryset(), pk=pk)
        if not request.user.has_perm(self.permission, record):
            raise PermissionDenied
        if self.restore:
            self.restore_service(actor=request.user, record=record)
            messages.success(request, _("已恢复。"))
        else:
            self.archive(actor=request.user, record=record)
            messages.success(request, _("已归档，可在“已归档”中查看和恢复。"))
        return HttpResponseRedirect(record.get_absolute_url())
