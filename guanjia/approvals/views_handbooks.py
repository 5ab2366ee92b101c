"""The handbook's pages: the handbook (its plan, chart, critical path, authorization) and the forms that
make, plan and edit it. Every handbook is read through `Handbook.objects.visible_to` (404 outside); what a
person may do is a rule (approvals.plan_handbook, approvals.authorize_handbook)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View, generic

from guanjia.approvals import handbook_selectors as selectors
from guanjia.approvals.choices import NATIONAL_BENCHMARK_DAYS, HandbookStatus
from guanjia.approvals.forms_handbooks import (
    AgentForm,
    AuthorizeForm,
    HandbookCreateForm,
    HandbookPlanForm,
    PrerequisitesForm,
)
from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.services import handbooks as services
from guanjia.core.audit import enterprise_reader
from guanjia.core.docx import CONTENT_TYPE as DOCX
from guanjia.core.errors import Conflict
from guanjia.core.views import ScopedMixin, _add_errors
from guanjia.projects.models import Project
from guanjia.workflow import timeline
from guanjia.workflow.attachments import FileMissing, attachment_open

logger = logging.getLogger(__name__)
PLAN, AUTHORIZE = "approvals.plan_handbook", "approvals.authorize_handbook"
_SENTINEL = 918273645
EVENTS_SHOWN = 30


def handbook_url(handbook) -> str:
    return reverse("approvals:handbook", args=[handbook.pk])


class HandbookDetailView(ScopedMixin, generic.DetailView):
    """个性化项目服务手册: the items by stage, the plan against the baseline, the chart and the critical path."""

    template_name = "approvals/handbook_detail.html"
    context_object_name = "handbook"

    def scoped_queryset(self):
        return selectors.handbook_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, handbook = self.request.user, self.object
        enterprise_view = enterprise_reader(user)
        context["view"] = view = selectors.handbook_view(handbook, enterprise_view=enterprise_view)
        context["can_plan"] = user.has_perm(PLAN, handbook)
        if context["can_plan"]:  # each row's link, reversed once for the page
            head, _sentinel, tail = reverse("approvals:handbook-prerequisites",
                                            args=[handbook.pk, _SENTINEL]).rpartition(str(_SENTINEL))
            for approval in view.approvals:
                approval.prerequisites_url = f"{head}{approval.pk}{tail}"
        context["can_authorize"] = user.has_perm(AUTHORIZE, handbook)
        context["enterprise_view"] = enterprise_view
        context["events"] = list(timeline.events_of(handbook.item_id, enterprise_view=enterprise_view)
                                 .order_by("-at", "-pk")[:EVENTS_SHOWN])
        context["national"] = NATIONAL_BENCHMARK_DAYS
        return context


class _HandbookFormView(ScopedMixin, View):
    """A form posted from the handbook's page (or its own page on error): the service decides."""

    permission = PLAN
    form_class = None
    template_name = "approvals/handbook_form.html"
    title = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.handbook = get_object_or_404(selectors.handbook_queryset(request.user), pk=kwargs["pk"])
        if not request.user.has_perm(self.permission, self.handbook):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self) -> dict:
        return {"request": self.request}

    def get(self, request, *args, **kwargs):
        return self.render(self.form_class(**self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs())
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(handbook_url(self.handbook))
        return self.render(form, status=400)

    def render(self, form, status: int = 200):
        return render(self.request, self.template_name, {"form": form, "handbook": self.handbook,
                                                         "title": self.title, "multipart": True}, status=status)


class HandbookPlanView(_HandbookFormView):
    form_class = HandbookPlanForm

    @property
    def title(self):
        return _("重新排期")

    @property
    def success_message(self):
        return _("已重新排期。")

    def form_kwargs(self):
        return {**super().form_kwargs(), "project": self.handbook.project}

    def get(self, request, *args, **kwargs):
        chosen = list(self.handbook.approvals.values_list("catalogue_item", flat=True))
        return self.render(self.form_class(initial={"start": self.handbook.start_on, "items": chosen},
                                           **self.form_kwargs()))

    def perform(self, form):
        services.handbook_plan(actor=self.request.user, handbook=self.handbook, start=form.cleaned_data["start"],
                               entries=list(form.cleaned_data["items"]), comment=form.cleaned_data["comment"])


class HandbookAgentView(_HandbookFormView):
    form_class = AgentForm

    @property
    def title(self):
        return _("更换代办员")

    @property
    def success_message(self):
        return _("代办员已更换。")

    def perform(self, form):
        services.handbook_change_agent(actor=self.request.user, handbook=self.handbook,
                                       agent=form.cleaned_data["agent"])


class HandbookAuthorizeView(_HandbookFormView):
    permission = AUTHORIZE
    form_class = AuthorizeForm

    @property
    def title(self):
        return _("上传委托书")

    @property
    def success_message(self):
        return _("委托书已上传。")

    def perform(self, form):
        services.handbook_authorize(actor=self.request.user, handbook=self.handbook,
                                    uploads=[form.cleaned_data["letter"]],
                                    authorized_on=form.cleaned_data["authorized_on"])


class PrerequisitesView(_HandbookFormView):
    form_class = PrerequisitesForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:  # an item of this handbook the person sees (else 404)
            self.approval = get_object_or_404(
                Approval.objects.visible_to(request.user).select_related("handbook"), pk=kwargs["approval_pk"],
                handbook=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("设置前置事项：%(name)s") % {"name": self.approval.name}

    @property
    def success_message(self):
        return _("前置事项已保存，已重新排期。")

    def form_kwargs(self):
        return {**super().form_kwargs(), "approval": self.approval}

    def get(self, request, *args, **kwargs):
        return self.render(self.form_class(initial={"prerequisites": list(self.approval.prerequisites.all())},
                                           **self.form_kwargs()))

    def perform(self, form):
        services.approval_set_prerequisites(actor=self.request.user, approval=self.approval,
                                            prerequisites=list(form.cleaned_data["prerequisites"]))


class HandbookCreateView(ScopedMixin, View):
    """编制服务手册 for a project without one: the items its type takes from the catalogue, preselected."""

    template_name = "approvals/handbook_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = get_object_or_404(Project.objects.visible_to(request.user).select_related("butler"),
                                         pk=kwargs["project_pk"])
        if not request.user.has_perm(PLAN, self.project):
            raise PermissionDenied
        existing = Handbook.objects.visible_to(request.user).filter(project=self.project).first()
        if existing is not None:
            return HttpResponseRedirect(handbook_url(existing))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        from django.utils import timezone

        form = HandbookCreateForm(request=request, project=self.project, initial={
            "start": timezone.localdate(), "items": [e.pk for e in services.catalogue_for(self.project)],
            "agent": self.project.butler_id})
        return self.render(form)

    def post(self, request, *args, **kwargs):
        form = HandbookCreateForm(request.POST, request=request, project=self.project)
        if form.is_valid():
            try:
                handbook = services.handbook_create(
                    actor=request.user, project=self.project, start=form.cleaned_data["start"],
                    entries=list(form.cleaned_data["items"]), agent=form.cleaned_data["agent"])
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, _("服务手册已生成并排期。"))
                return HttpResponseRedirect(handbook_url(handbook))
        return self.render(form, status=400)

    def render(self, form, status: int = 200):
        return render(self.request, self.template_name, {
            "form": form, "project": self.project, "title": _("编制服务手册")}, status=status)


class HandbookAttachmentView(ScopedMixin, View):
    """Download a file of the handbook's timeline (the authorization 委托书)."""

    def get(self, request, pk, attachment_pk):
        handbook = get_object_or_404(Handbook.objects.visible_to(request.user), pk=pk)
        found = handbook.attachments.filter(pk=attachment_pk)  # of the handbook it may see
        if enterprise_reader(request.user):
            found = found.filter(internal=False)
        attachment = found.first()
        if attachment is None:
            raise Http404
        try:
            stream = attachment_open(attachment)
        except FileMissing:
            logger.error("attachment %s of handbook %s: its file is missing", attachment.pk, handbook.pk)
            raise Http404 from None
        return FileResponse(stream, as_attachment=True, filename=attachment.name)


class HandbookDocxView(ScopedMixin, View):
    """The handbook as a Word document a butler hands to the investor."""

    def get(self, request, pk):
        from guanjia.approvals import handbook_docx

        handbook = get_object_or_404(selectors.handbook_queryset(request.user), pk=pk)
        content = handbook_docx.render(selectors.handbook_view(handbook,
                                                               enterprise_view=enterprise_reader(request.user)))
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{handbook.project.name}服务手册.docx")
        return response


class HandbookListView(ScopedMixin, generic.ListView):
    """代办手册: the handbooks a person may see, with progress, plan against baseline and elapsed working days."""

    template_name = "approvals/handbook_list.html"
    paginate_by = 50

    def get_queryset(self):
        rows = selectors.handbook_list(self.request.user)
        status = self.request.GET.get("status")
        return rows.filter(status=status) if status in HandbookStatus.values else rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.add_elapsed(context["object_list"])
        context["statuses"] = HandbookStatus.choices
        context["status"] = self.request.GET.get("status", "")
        context["query_string"] = f"status={context['status']}" if context["status"] else ""
        context["national"] = NATIONAL_BENCHMARK_DAYS
        return context
