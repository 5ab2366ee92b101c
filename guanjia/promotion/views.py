"""Promotion table pages: a project's table, each work item, the zone-wide 挂图作战 board, the templates.

Every page starts from `visible_to` (404 outside it); writes go through promotion.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from guanjia.core.views import ScopedMixin, ServiceFormView, xlsx_response
from guanjia.projects.models import Project
from guanjia.promotion import exporting, forms, selectors, services
from guanjia.promotion.choices import COLOUR_CSS, WORK_ITEM_OPEN, Colour
from guanjia.promotion.models import PromotionTable, TableTemplate, TemplateItem, WorkItem
from guanjia.promotion.workflow import WORK_ITEM
from guanjia.workflow import timeline


def _events(item_id: int, user, butler_id: int | None) -> list:
    """The timeline as `user` reads it: an enterprise contact reads no internal row and no staff name but its
    butler's (`actor_shown`)."""
    events = list(timeline.events_of(item_id, enterprise_view=selectors.enterprise_reader(user)))
    for event in events:
        event.actor_shown = selectors.shown_person(user, event.actor, butler_id)
    return events


class TableView(ScopedMixin, generic.DetailView):
    """One project's promotion table (《项目跟踪服务促建表》): stages planned vs actual, work items, timeline."""

    model = PromotionTable
    template_name = "promotion/table_detail.html"
    context_object_name = "table"

    def get_queryset(self):
        return selectors.table_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, table = self.request.user, self.object
        project = table.project
        now = timezone.now()
        context["project"] = project
        context["stages"] = selectors.stage_cells(project, timezone.localtime(now).date())
        context["work_items"] = selectors.with_colours(
            selectors.work_items(user).filter(table=table).order_by(*selectors.IN_STAGE_ORDER), now, user)
        context["events"] = _events(table.item_id, user, project.butler_id)
        context["staff_names"] = not selectors.enterprise_reader(user)
        context["can_manage"] = user.has_perm("promotion.manage_table", table)
        context["reviews"] = selectors.review_meetings(user, project) if project.is_key else []
        context["colour_css"] = COLOUR_CSS
        return context


class WorkItemView(ScopedMixin, generic.DetailView):
    model = WorkItem
    template_name = "promotion/work_item_detail.html"
    context_object_name = "work_item"

    def get_queryset(self):
        return (selectors.work_items(self.request.user).select_related("table", "item")
                .prefetch_related("requests", "approvals"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, work_item = self.request.user, self.object
        work_item.colour = selectors.work_item_colour(work_item)
        work_item.responsible_shown = selectors.shown_person(user, work_item.responsible, work_item.project.butler_id)
        context["events"] = _events(work_item.item_id, user, work_item.project.butler_id)
        context["can_handle"] = user.has_perm("promotion.handle_workitem", work_item)
        context["can_manage"] = user.has_perm("promotion.manage_table", work_item)
        context["table_shown"] = PromotionTable.objects.visible_to(user).filter(pk=work_item.table_id).exists()
        context["colour_css"] = COLOUR_CSS
        context["is_open"] = work_item.status in WORK_ITEM_OPEN
        return context


class _FormView(ServiceFormView):
    template_name = "promotion/form.html"
    object_view = True
    title = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)  # plain forms: the service writes the object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["back"] = self.object.get_absolute_url() if hasattr(self.object, "get_absolute_url") else ""
        return context


class HandOverView(_FormView):
    model = Project
    form_class = forms.HandOverForm
    permission = "promotion.manage_table"
    title = gettext_lazy("协议移交，建立促建表")
    success_message = gettext_lazy("促建表已建立。")

    def perform(self, form):
        return services.table_hand_over(actor=self.request.user, project=self.object,
                                        handed_over_on=form.cleaned_data["handed_over_on"],
                                        comment=form.cleaned_data["comment"])


TABLE_ACTIONS = {
    "move": (forms.StageMoveForm, gettext_lazy("推进阶段")),
    "correct": (forms.StageCorrectForm, gettext_lazy("更正阶段日期")),
    "plan": (forms.PlanForm, gettext_lazy("调整计划节点")),
    "task-force": (forms.TaskForceForm, gettext_lazy("调整专班")),
    "add-item": (forms.WorkItemForm, gettext_lazy("新增推进事项")),
}


class TableActView(_FormView):
    model = PromotionTable
    permission = "promotion.manage_table"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in TABLE_ACTIONS:
            raise Http404
        self.form_class, self.title = TABLE_ACTIONS[kwargs["action"]]
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self):
        project = self.object.project
        if self.kwargs["action"] == "plan":
            return {f"plan_{stage}": getattr(project, field) for stage, field in services.PLAN_FIELD.items()}
        if self.kwargs["action"] == "task-force":
            return {"members": list(self.object.task_force.all())}
        return {"on": timezone.localdate()} if self.kwargs["action"] == "move" else {}

    def perform(self, form):
        data, user, table = form.cleaned_data, self.request.user, self.object
        action = self.kwargs["action"]
        if action == "move":
            services.stage_move(actor=user, table=table, stage=data["stage"], on=data["on"], comment=data["comment"])
        elif action == "correct":
            services.stage_correct(actor=user, table=table, stage=data["stage"], on=data["on"], reason=data["reason"])
        elif action == "plan":
            services.stages_plan(actor=user, table=table, planned=form.planned(), comment=data["comment"])
        elif action == "task-force":
            services.task_force_set(actor=user, table=table, members=data["members"], comment=data["comment"])
        else:
            services.work_item_add(actor=user, table=table, stage=data["stage"], name=data["name"],
                                   due_on=data["due_on"], responsible=data["responsible"], unit=data["unit"])
        return table


ITEM_ACTIONS = {
    "start": (forms.CommentForm, "promotion.handle_workitem"),
    "complete": (forms.CompleteForm, "promotion.handle_workitem"),
    "reopen": (forms.ReopenForm, "promotion.manage_table"),
    "cancel": (forms.ReasonForm, "promotion.manage_table"),
    "update": (forms.WorkItemForm, "promotion.manage_table"),
    "link": (forms.LinkForm, "promotion.handle_workitem"),
}


class WorkItemActView(_FormView):
    model = WorkItem

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in ITEM_ACTIONS:
            raise Http404
        self.form_class, self.permission = ITEM_ACTIONS[kwargs["action"]]
        self.title = (gettext_lazy("关联诉求和审批事项") if kwargs["action"] == "link"
                      else WORK_ITEM.action_label(kwargs["action"]))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        if self.kwargs["action"] == "update":
            kwargs["editing"] = True
        if self.kwargs["action"] == "link":
            kwargs["work_item"] = self.object
        return kwargs

    def get_initial(self):
        item = self.object
        if self.kwargs["action"] == "link":
            return {"requests": list(item.requests.all()), "approvals": list(item.approvals.all())}
        if self.kwargs["action"] == "update":
            return {"name": item.name, "responsible": item.responsible_id, "unit": item.unit_id,
                    "due_on": item.due_on, "progress_note": item.progress_note}
        return {"done_on": timezone.localdate()}

    def perform(self, form):
        data, user, item = form.cleaned_data, self.request.user, self.object
        action = self.kwargs["action"]
        if action == "start":
            return services.work_item_start(actor=user, work_item=item, comment=data["comment"])
        if action == "complete":
            return services.work_item_complete(actor=user, work_item=item, done_on=data["done_on"],
                                               comment=data["comment"])
        if action == "reopen":
            return services.work_item_reopen(actor=user, work_item=item, reason=data["reason"], due_on=data["due_on"])
        if action == "cancel":
            return services.work_item_cancel(actor=user, work_item=item, reason=data["reason"])
        if action == "link":
            return services.work_item_link(actor=user, work_item=item, requests=data["requests"],
                                           approvals=data["approvals"])
        return services.work_item_update(actor=user, work_item=item, name=data["name"],
                                         responsible=data["responsible"], unit=data["unit"], due_on=data["due_on"],
                                         progress_note=data["progress_note"])


class BoardView(ScopedMixin, generic.TemplateView):
    """挂图作战: every key project the person sees, its stages planned vs actual, filterable."""

    template_name = "promotion/board.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.enterprise_id:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def rows(self):
        form = forms.BoardFilterForm(self.request.GET or None, request=self.request)
        projects = selectors.key_projects(self.request.user)
        colour = ""
        if form.is_valid():
            data = form.cleaned_data
            if data["stage"]:
                projects = projects.filter(stage=data["stage"])
            if data["key_level"]:
                projects = projects.filter(key_level=data["key_level"])
            if data["butler"]:
                projects = projects.filter(butler=data["butler"])
            colour = data["colour"]
        return form, selectors.board(self.request.user, projects=projects, colour=colour)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, rows = self.rows()
        context.update(form=form, rows=rows, chart=selectors.board_chart(rows), colour_css=COLOUR_CSS,
                       colours=Colour, query_string=self.request.GET.urlencode(),
                       can_import=self.request.user.has_perm("promotion.manage_table"))
        return context


class BoardExportView(BoardView):
    def get(self, request, *args, **kwargs):
        _form, rows = self.rows()
        tables = PromotionTable.objects.visible_to(request.user).filter(pk__in=[r.table_id for r in rows if r.table_id])
        content = exporting.tables_workbook(tables=tables.order_by("project__name", "pk"), user=request.user,
                                            title=_("重点项目跟踪服务促建表"))
        return xlsx_response(content, f"{_('重点项目促建表')}-{timezone.localdate():%Y%m%d}.xlsx")


class TableExportView(ScopedMixin, View):
    model = PromotionTable

    def get(self, request, pk):
        table = get_object_or_404(self.scoped_queryset().select_related("project"), pk=pk)
        content = exporting.tables_workbook(tables=self.scoped_queryset().filter(pk=table.pk), user=request.user,
                                            title=_("项目跟踪服务促建表"))
        return xlsx_response(content, f"{table.project.name}-{_('促建表')}.xlsx")


class ImportView(ServiceFormView):
    form_class = forms.ImportForm
    template_name = "promotion/form.html"
    permission = "promotion.manage_table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("导入促建表")
        context["multipart"] = True
        context["back"] = reverse("promotion:board")
        return context

    def perform(self, form):
        result = exporting.tables_import(actor=self.request.user, content=form.cleaned_data["file"].read())
        messages.info(self.request, _("已导入：修改 %(u)d 项，新增 %(a)d 项，完成 %(c)d 项。") % {
            "u": result.updated, "a": result.added, "c": result.completed})
        return None

    def get_success_url(self, saved=None):
        return reverse("promotion:board")


# -- templates (admin) -------------------------------------------------------------------------------------------


class TemplateListView(ScopedMixin, generic.ListView):
    model = TableTemplate
    template_name = "promotion/template_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("promotion.manage_template"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (super().get_queryset().filter(zone=self.request.user.zone_id)
                .prefetch_related("items__unit"))


class TemplateCreateView(ServiceFormView):
    form_class = forms.TemplateForm
    template_name = "promotion/form.html"
    permission = "promotion.manage_template"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("新建促建表模板"),
                "back": reverse("promotion:templates")}

    def perform(self, form):
        services.template_save(actor=self.request.user, zone=self.request.user.zone, **form.cleaned_data)

    def get_success_url(self, saved=None):
        return reverse("promotion:templates")


class TemplateItemAddView(ServiceFormView):
    form_class = forms.TemplateItemForm
    template_name = "promotion/form.html"
    permission = "promotion.manage_template"
    model = TableTemplate
    object_view = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("新增模板推进事项"),
                "back": reverse("promotion:templates")}

    def perform(self, form):
        services.template_item_save(actor=self.request.user, template=self.object, **form.cleaned_data)

    def get_success_url(self, saved=None):
        return reverse("promotion:templates")


class TemplateItemEditView(ServiceFormView):
    form_class = forms.TemplateItemForm
    template_name = "promotion/form.html"
    permission = "promotion.manage_template"
    object_view = True

    def scoped_queryset(self):
        return TemplateItem.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self):
        item = self.object
        return {"stage": item.stage, "name": item.name, "unit": item.unit_id, "days": item.days}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("修改模板推进事项"),
                "back": reverse("promotion:templates")}

    def perform(self, form):
        services.template_item_save(actor=self.request.user, template=self.object.template, item=self.object,
                                    **form.cleaned_data)

    def get_success_url(self, saved=None):
        return reverse("promotion:templates")


class TemplateItemPostView(ScopedMixin, View):
    """POST: remove an item, or move it up or down."""

    def post(self, request, pk, action):
        item = get_object_or_404(TemplateItem.objects.visible_to(request.user), pk=pk)
        if not request.user.has_perm("promotion.manage_template"):
            raise PermissionDenied
        if action == "remove":
            services.template_item_remove(actor=request.user, item=item)
        elif action in ("up", "down"):
            services.template_item_move(actor=request.user, item=item, up=action == "up")
        else:
            raise Http404
        return HttpResponseRedirect(reverse("promotion:templates"))
