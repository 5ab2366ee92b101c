"""Roster import (名录导入): upload → preview with per-row errors → confirm. All or nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from guanjia.core import uploads
from guanjia.enterprises.forms import ImportForm

SESSION_KEY = "roster-import"


class RosterImportView(LoginRequiredMixin, View):
    template_name = "enterprises/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("enterprises.import_enterprise"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm(request=request)})

    def post(self, request):
        from guanjia.enterprises.importing import roster_import, roster_parse

        error = uploads.too_large(request)  # before Django reads the body
        if error:
            return render(request, self.template_name, {"form": ImportForm(request=request), "upload_error": error},
                          status=413)
        if "confirm" in request.POST:
            return self._confirm(request, roster_import)
        form = ImportForm(request.POST, request.FILES, request=request)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        update_existing = form.cleaned_data["update_existing"]
        if upload.size > settings.GUANJIA_UPLOAD_MAX_BYTES:
            form.add_error("file", _("文件过大（上限 %(mb)d MB）。") % {
                "mb": settings.GUANJIA_UPLOAD_MAX_BYTES // (1024 * 1024)})
            return render(request, self.template_name, {"form": form})
        token, path = uploads.keep(upload)
        try:
            with path.open("rb") as handle:
                preview = roster_parse(zone=request.user.zone, file=handle, update_existing=update_existing)
        except ValidationError as error:
            path.unlink(missing_ok=True)
            for message in error.messages:
                form.add_error("file", message)
            return render(request, self.template_name, {"form": form})
        if preview.errors:
            path.unlink(missing_ok=True)
        else:
            request.session[SESSION_KEY] = {"token": token, "name": upload.name, "update": update_existing}
        return render(request, self.template_name, {
            "form": ImportForm(request=request), "preview": preview, "filename": upload.name,
            "sample": preview.rows[:20], "update_existing": update_existing,
        })

    def _confirm(self, request, roster_import):
        pending = request.session.pop(SESSION_KEY, None)
        path = uploads.kept(pending)
        if path is None:
            messages.error(request, _("导入已过期，请重新上传文件。"))
            return HttpResponseRedirect(reverse("enterprises:import"))
        try:
            with path.open("rb") as handle:
                result = roster_import(actor=request.user, zone=request.user.zone, file=handle,
                                       update_existing=pending.get("update", False))
        except ValidationError as error:
            messages.error(request, _("未导入任何数据：%(reason)s") % {"reason": "；".join(error.messages[:5])})
            return HttpResponseRedirect(reverse("enterprises:import"))
        finally:
            path.unlink(missing_ok=True)
        messages.success(request, _("导入完成：新增 %(new)d 家，更新 %(updated)d 家，未变 %(same)d 家。") % {
            "new": result.created, "updated": result.updated, "same": result.unchanged})
        return HttpResponseRedirect(reverse("enterprises:list"))


class RosterTemplateView(LoginRequiredMixin, View):
    """The blank roster (表头 and a 填写说明 sheet) to fill in and import."""

    def get(self, request):
        from guanjia.core.views import xlsx_response
        from guanjia.enterprises.exporting import roster_template

        return xlsx_response(roster_template(), "企业名录模板.xlsx")
