"""The approval catalogue's pages (审批事项清单): the list by list and stage with search, each item's page, the
admins' forms, archive and restore, and the .xlsx export and import (upload → preview → confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from guanjia.approvals.catalogue_xlsx import catalogue_export, catalogue_template
from guanjia.approvals.choices import ListType
from guanjia.approvals.filtersets import ApprovalItemFilterSet
from guanjia.approvals.forms import ApprovalItemForm, CatalogueImportForm
from guanjia.approvals.models import ApprovalItem
from guanjia.approvals.services import catalogue as services
from guanjia.core import uploads
from guanjia.core.views import (
    ArchiveView,
    FilteredListView,
    HistoryMixin,
    ScopedDetailView,
    ScopedMixin,
    ServiceFormView,
    xlsx_response,
)
from guanjia.projects.choices import ProjectType

ITEMS = ApprovalItem.objects.select_related("unit").prefetch_related("prerequisites")
IMPORT_SESSION_KEY = "catalogue-import"


class CatalogueListView(FilteredListView):
    """The catalogue in the order it is published: by list (审批事项 / 建设单位材料 / 报装), then by stage."""

    queryset = ITEMS
    filterset_class = ApprovalItemFilterSet
    template_name = "approvals/catalogue_list.html"
    partial_template_name = "approvals/_catalogue_table.html"
    paginate_by = 200  # a zone's lists are about a hundred items: one page, its groups whole

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.GET.get("ordering"):
            queryset = queryset.order_by("list_type", "stage", "order", "pk")
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["list_order"] = {value: index for index, value in enumerate(ListType.values)}
        return context


class CatalogueItemView(HistoryMixin, ScopedDetailView):
    queryset = ApprovalItem.objects.select_related("unit", "zone")
    template_name = "approvals/catalogue_item.html"
    context_object_name = "item"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        context["prerequisites"] = list(item.prerequisites.select_related("unit").order_by("order", "pk"))
        context["dependents"] = list(item.dependents.select_related("unit").order_by("order", "pk"))
        context["project_type_labels"] = [ProjectType(t).label for t in item.project_types if t in ProjectType.values]
        context["materials"] = [line for line in item.materials.splitlines() if line.strip()]
        context["can_change"] = user.has_perm("approvals.change_approvalitem", item)
        context["can_archive"] = user.has_perm("approvals.archive_approvalitem", item)
        return context


class _ItemFormView(ServiceFormView):
    model = ApprovalItem
    form_class = ApprovalItemForm
    template_name = "approvals/catalogue_form.html"

    def form_data(self, form) -> dict:
        data = dict(form.cleaned_data)
        data["prerequisites"] = list(data.get("prerequisites") or [])
        data["project_types"] = list(data.get("project_types") or [])
        data["code"] = data.get("code") or ""
        data["materials"] = data.get("materials") or ""
        data["order"] = data.get("order") or 0
        return data


class CatalogueCreateView(_ItemFormView):
    permission = "approvals.add_approvalitem"
    success_message = gettext_lazy("审批事项已添加。")

    def perform(self, form):
        return services.approval_item_create(actor=self.request.user, zone=self.request.user.zone,
                                             **self.form_data(form))


class CatalogueUpdateView(_ItemFormView):
    object_view = True
    permission = "approvals.change_approvalitem"
    success_message = gettext_lazy("审批事项已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.scoped_queryset().get(pk=self.object.pk)
        return kwargs

    def perform(self, form):
        return services.approval_item_update(actor=self.request.user, item=self.object, **self.form_data(form))


class CatalogueArchiveView(ArchiveView):
    model = ApprovalItem
    permission = "approvals.archive_approvalitem"
    archive = staticmethod(lambda *, actor, record: services.approval_item_archive(actor=actor, item=record))
    restore_service = staticmethod(lambda *, actor, record: services.approval_item_restore(actor=actor, item=record))

    def post(self, request, pk):
        from guanjia.core.errors import Conflict

        try:
            return super().post(request, pk)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return HttpResponseRedirect(reverse("approvals:catalogue-item", args=[pk]))


class CatalogueExportView(ScopedMixin, View):
    """The list as filtered on the page, as an .xlsx that the import reads back."""

    def get(self, request):
        filterset = ApprovalItemFilterSet(request.GET, queryset=ApprovalItem.objects.visible_to(request.user),
                                          request=request)
        queryset = filterset.qs if filterset.is_valid() else ApprovalItem.objects.none()
        name = _("审批事项清单") + timezone.localdate().strftime("-%Y%m%d") + ".xlsx"
        return xlsx_response(catalogue_export(queryset=queryset), name)


class CatalogueTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return xlsx_response(catalogue_template(), _("审批事项清单模板") + ".xlsx")


class CatalogueImportView(LoginRequiredMixin, View):
    """Upload → preview (every row checked, nothing written) → confirm (all or nothing)."""

    template_name = "approvals/catalogue_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("approvals.import_approvalitem"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CatalogueImportForm(request=request)})

    def post(self, request):
        from guanjia.approvals.services.catalogue_import import catalogue_parse

        error = uploads.too_large(request)  # before Django reads the body
        if error:
            return render(request, self.template_name,
                          {"form": CatalogueImportForm(request=request), "upload_error": error}, status=413)
        if "confirm" in request.POST:
            return self._confirm(request)
        form = CatalogueImportForm(request.POST, request.FILES, request=request)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        token, path = uploads.keep(upload)
        with path.open("rb") as handle:
            preview = catalogue_parse(zone=request.user.zone, file=handle)
        if preview.errors:
            path.unlink(missing_ok=True)
        else:
            request.session[IMPORT_SESSION_KEY] = {"token": token, "name": upload.name}
        return render(request, self.template_name, {
            "form": CatalogueImportForm(request=request), "preview": preview, "filename": upload.name})

    def _confirm(self, request):
        from guanjia.approvals.services.catalogue_import import catalogue_import

        pending = request.session.pop(IMPORT_SESSION_KEY, None)
        path = uploads.kept(pending)
        if path is None:
            messages.error(request, _("导入已过期，请重新上传文件。"))
            return HttpResponseRedirect(reverse("approvals:catalogue-import"))
        try:
            with path.open("rb") as handle:
                result = catalogue_import(actor=request.user, zone=request.user.zone, file=handle)
        except ValidationError as error:
            messages.error(request, _("未导入任何数据：%(reason)s") % {"reason": "；".join(error.messages[:5])})
            return HttpResponseRedirect(reverse("approvals:catalogue-import"))
        finally:
            path.unlink(missing_ok=True)
        messages.success(request, _("导入完成：新增 %(new)d 项，更新 %(updated)d 项，未变 %(same)d 项。") % {
            "new": result.created, "updated": result.updated, "same": result.unchanged})
        return HttpResponseRedirect(reverse("approvals:catalogue"))
