"""Request pages: list, 我的待办, raise (staff and the enterprise portal), detail with actions and timeline."""

import copy
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from guanjia.core.errors import Conflict
from guanjia.core.forms import is_id
from guanjia.core.pagination import CountApartPaginator
from guanjia.core.text import listed
from guanjia.core.views import FilteredListView, ScopedDetailView, ScopedMixin, ServiceFormView, xlsx_response
from guanjia.enterprises.models import Enterprise
from guanjia.meetings.selectors import action_items_for_request
from guanjia.projects.models import Project
from guanjia.requests import actions, disclosure, selectors, services
from guanjia.requests.choices import STATUS_COLOURS, Action, ClockKind, Status, UnitTaskStatus
from guanjia.requests.filtersets import RequestFilterSet
from guanjia.requests.forms import ActionForm, NoteForm, RaiseForm
from guanjia.requests.models import Request, UnitTask
from guanjia.workflow import registry
from guanjia.workflow.attachments import FileMissing, KeptUploads, attachment_open
from guanjia.workflow.choices import CLOCK_COLOURS, ClockState

LIST_QUERYSET = Request.objects.select_related("enterprise", "butler", "lead_unit")
# The detail page's tasks are read once: its unit panel, its buttons and the permissions that ask of them.
DETAIL_QUERYSET = LIST_QUERYSET.select_related("merged_into", "instructed_by").prefetch_related(
    Prefetch("unit_tasks", queryset=UnitTask.objects.select_related("unit")))
_is_enterprise_only = selectors.enterprise_only
logger = logging.getLogger(__name__)


class RequestListView(FilteredListView):
    model = Request
    filterset_class = RequestFilterSet
    template_name = "requests/request_list.html"
    partial_template_name = "requests/_request_table.html"
    paginate_by = 30

    def get_filterset(self, queryset):
        filterset = super().get_filterset(queryset)
        filterset.for_page(self.request.user)
        return filterset

    def get_queryset(self):
        self.filtered = super().get_queryset()
        return selectors.table_rows(selectors.with_next_due(self.filtered))

    def shown_rows(self, scoped):
        return selectors.table_rows(selectors.with_next_due(scoped))

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return CountApartPaginator(queryset, per_page, counted=self.filtered, orphans=orphans,
                                   allow_empty_first_page=allow_empty_first_page, shown=self.shown_rows(self.scoped),
                                   **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs, may_raise=services.may_raise(user),
                                           portal=_is_enterprise_only(user))
        context["export_url"] = f"{reverse('requests:export')}?{context['query_string']}"
        return context


class RequestExportView(ScopedMixin, View):
    """全部诉求 as .xlsx: the same FilterSet and scope as the page, its rows and columns as the reader may see
    them (`requests.exporting`)."""

    model = Request

    def get(self, request):
        from guanjia.requests.exporting import requests_workbook

        filterset = RequestFilterSet(request.GET, queryset=self.scoped_queryset(), request=request)
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return xlsx_response(requests_workbook(queryset=queryset, user=request.user),
                             f"requests-{timezone.localdate():%Y%m%d}.xlsx")


class WorklistView(generic.RedirectView):
    """The requests' own 我的待办 became the one of every workflow (/worklist/); old links land there."""

    def get_redirect_url(self, *args, **kwargs):
        return f"{reverse('workflow:worklist')}?kind=request"


class RaiseView(ServiceFormView):
    model = Request
    form_class = RaiseForm
    template_name = "requests/request_form.html"

    def check_permission(self, obj=None) -> None:
        if not services.may_raise(self.request.user):
            raise PermissionDenied

    def get_initial(self):
        return {"enterprise": self.request.GET.get("enterprise"), "project": self.request.GET.get("project"),
                "intake_key": uuid.uuid4().hex}

    def post(self, request, *args, **kwargs):
        # The files this form kept when it was refused before, less those the person removed (移除).
        self.kept = KeptUploads(request, request.POST.get("intake_key", ""))
        self.kept.drop(request.POST.getlist("drop_kept"))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kept = getattr(self, "kept", None)
        return super().get_context_data(**kwargs, kept=kept.names() if kept is not None else [])

    def form_invalid(self, form):
        """Refused: the files chosen this time are kept for the next sending (a browser cannot refill a file
        input), unless they are what was refused; then the message names the file to choose again."""
        uploads = self.request.FILES.getlist("attachments")
        if uploads and "attachments" not in form.errors:
            if not self.kept.key:
                form.add_error("attachments", _("请重新选择附件：%(names)s。") % {
                    "names": listed(upload.name for upload in uploads)})
            else:
                try:
                    self.kept.keep(uploads)
                except ValidationError as error:
                    for message in error.message_dict.get("attachments", error.messages):
                        form.add_error("attachments", message)
        return super().form_invalid(form)

    def perform(self, form):
        data = dict(form.cleaned_data)
        if form.is_portal:
            data.update(source="portal", enterprise=self.request.user.enterprise)
        kept = self.kept.files()
        data["attachments"] = [*kept, *data["attachments"]]
        try:
            raised = services.request_raise(actor=self.request.user, **data)
        except services.AlreadyRaised as already:  # the form came twice: show the request the first one made
            if already.request is None:
                raise
            self.kept.clear()
            messages.info(self.request, already.message)
            return already.request
        finally:
            for upload in kept:
                upload.close()
        self.kept.clear()
        messages.success(self.request, _("诉求已提交，编号 %(number)s。") % {"number": raised.number})
        return raised


class RaisePickerMixin:
    """The raise form's helpers (its enterprise search, its project list): for those who may raise for any
    enterprise they see; an enterprise contact's form has no picker (吹哨 is for its own enterprise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not services.may_raise(request.user) or _is_enterprise_only(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RaiseEnterpriseSearchView(RaisePickerMixin, View):
    """GET ?enterprise_search= (or ?q=): at most 20 matching enterprises as rows to pick, by name."""

    def get(self, request):
        query = (request.GET.get("enterprise_search") or request.GET.get("q") or "")[:100]
        rows = list(selectors.raise_enterprise_choices(user=request.user, query=query,
                                                       limit=selectors.PICKER_ROWS + 1))
        return render(request, "requests/_enterprise_options.html", {
            "enterprises": rows[:selectors.PICKER_ROWS], "more": len(rows) > selectors.PICKER_ROWS,
            "query": query.strip()})


class RaiseProjectsView(RaisePickerMixin, View):
    """GET ?enterprise=<id>: the options of the raise form's project select, that enterprise's projects."""

    def get(self, request):
        chosen = request.GET.get("enterprise", "")
        projects = (Project.objects.visible_to(request.user).active().filter(enterprise=chosen)
                    .only("pk", "name").order_by("name", "pk") if is_id(chosen) else Project.objects.none())
        return render(request, "requests/_project_options.html",
                      {"projects": projects, "enterprise_chosen": is_id(chosen)})


class RequestDetailView(ScopedDetailView):
    queryset = DETAIL_QUERYSET
    template_name = "requests/request_detail.html"

    def get_context_data(self, *, refused: tuple[str, ActionForm] | None = None, note_form: NoteForm | None = None,
                         **kwargs):
        """`refused` is an action and its bound form, shown in the open tab; `note_form` a bound note form."""
        context = super().get_context_data(**kwargs)
        user, request = self.request.user, self.object
        tasks = list(request.unit_tasks.all())
        clocks = list(selectors.clocks(request))
        enterprise_only = _is_enterprise_only(user)
        pending = selectors.pending_extension(request, user)
        names = actions.available(user, request, tasks, pending)
        blank = ActionForm(request=self.request, subject=request, initial={"version": request.version})
        failed, failed_form = refused or (None, None)
        if failed_form is not None and failed not in names:
            # The request has moved on and the action has no tab now: no form to show the errors in.
            for message in failed_form.error_lines():
                messages.error(self.request, message)
        if enterprise_only:  # a returned task is the units' dispute with the center (requests.disclosure)
            tasks = [t for t in tasks if t.status != UnitTaskStatus.RETURNED]
        status = Status(disclosure.shown_status(request.status, user))
        context.update({
            "status": status,
            "status_colour": STATUS_COLOURS[status],
            "unit_tasks": tasks,
            "pending_extension": pending,
            "clocks": [(c, registry.get(c.item.kind).clock_label(c.kind), ClockState(c.state()).label,
                        CLOCK_COLOURS[c.state()]) for c in clocks],
            "events": list(selectors.timeline(request, user)),
            "attachments": selectors.attachments(request, user),
            "actions": [(name, Action(name).label, _for_tab(failed_form if name == failed else blank, name))
                        for name in names],
            "open_action": failed if failed in names else next(iter(names), None),
            "note_form": note_form or NoteForm(request=self.request),
            "enterprise_only": enterprise_only,
            "resolution_kind": ClockKind.RESOLUTION,
            "action_items": action_items_for_request(request, user),
            "enterprise_shown": Enterprise.objects.shows(user, request.enterprise_id),
            "settled": request.status in (Status.RESOLVED, Status.CLOSED),
            "may_convene": user.has_perm("requests.convene_request", request),
        })
        return context


def _for_tab(form: ActionForm, name: str) -> ActionForm:
    """The action form as one tab renders it: its fields' ids its own (`id_<action>_<field>`), so that the page's
    ids are unique and each label points at its tab's field; the fields and their errors are the form's."""
    tab = copy.copy(form)
    tab.auto_id = f"id_{name}_%s"
    tab._bound_fields_cache = {}
    return tab


class DetailFormView(RequestDetailView):
    """A form posted from the detail page. Success redirects (PRG); a refusal renders the page again (200),
    like a ServiceFormView, with what was typed and each error by its field."""

    http_method_names = ["post"]

    def refused(self, **forms):
        self.object = self.get_object()  # read afresh: nothing was saved, whatever the service changed in memory
        return self.render_to_response(self.get_context_data(**forms))


class ActionView(DetailFormView):
    """POST one action from the detail page; a refusal keeps its tab open."""

    def post(self, request, pk, action):
        if action not in actions.ACTION_SERVICES:
            raise Http404
        obj = get_object_or_404(self.scoped_queryset(), pk=pk)
        form = ActionForm(request.POST, request.FILES, request=request, subject=obj)
        if not form.is_valid():
            form.refuse(action)
            return self.refused(refused=(action, form))
        try:
            done = actions.perform(action, actor=request.user, request=obj, data=form.data_for(action),
                                   files=form.cleaned_data["attachments"])
        except ValidationError as error:
            form.refuse(action, error)
            return self.refused(refused=(action, form))
        except Conflict as conflict:
            form.refuse(action, ValidationError(conflict.message))
            return self.refused(refused=(action, form))
        messages.success(request, actions.done_message(action, done))
        return HttpResponseRedirect(obj.get_absolute_url())


class NoteView(DetailFormView):
    """An internal note (staff) or supplied material (the enterprise)."""

    def post(self, request, pk):
        obj = get_object_or_404(self.scoped_queryset(), pk=pk)
        form = NoteForm(request.POST, request.FILES, request=request)
        if not form.is_valid():
            return self.refused(note_form=form)
        try:
            if _is_enterprise_only(request.user):
                services.request_supply(actor=request.user, request=obj, comment=form.cleaned_data["comment"],
                                        attachments=form.cleaned_data["attachments"])
            else:
                services.request_add_note(actor=request.user, request=obj, comment=form.cleaned_data["comment"],
                                          internal="public" not in request.POST,
                                          attachments=form.cleaned_data["attachments"])
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.refused(note_form=form)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            return self.refused(note_form=form)
        messages.success(request, _("已添加。"))
        return HttpResponseRedirect(obj.get_absolute_url() + "#timeline")


class AttachmentView(ScopedMixin, View):
    """Download an attachment of a request the user may see (for the enterprise, what `disclosure` shows it)."""

    model = Request

    def get(self, request, pk, attachment_pk):
        obj = get_object_or_404(self.scoped_queryset(), pk=pk)
        found = selectors.attachments(obj, request.user, pk=attachment_pk)
        if not found:
            raise Http404
        attachment = found[0]
        try:
            stream = attachment_open(attachment)
        except FileMissing:
            logger.error("attachment %s of item %s: its file %s is missing", attachment.pk, attachment.item_id,
                         attachment.file.name)
            return render(request, "404.html", status=404, context={"detail": _(
                "附件“%(name)s”的文件已丢失，请联系管理员从备份中恢复。") % {"name": attachment.name}})
        return FileResponse(stream, as_attachment=True, filename=attachment.name)


class ClockRuleListView(ScopedMixin, generic.ListView):
    """时限规则: the zone's configured limits next to the defaults that apply where none is set."""

    template_name = "requests/clock_rules.html"

    def scoped_queryset(self):
        from guanjia.requests.models import ClockRule

        user = self.request.user
        if not user.has_perm("requests.manage_clockrules"):
            raise PermissionDenied
        return ClockRule.objects.visible_to(user).order_by("kind", "source", "category", "urgency")

    def get_context_data(self, **kwargs):
        from guanjia.requests.choices import ClockKind, Source, Urgency
        from guanjia.requests.clocks import DEFAULT_RULES

        context = super().get_context_data(**kwargs)
        context["defaults"] = [
            (ClockKind(kind).label, Source(source).label if source else "", Urgency(urgency).label if urgency else "",
             rule) for (kind, source, urgency), rule in DEFAULT_RULES.items()
        ]
        return context


class ClockRuleFormView(ServiceFormView):
    """Add or change a rule; the open clocks it governs are recomputed from their ledgers."""

    template_name = "requests/clock_rule_form.html"

    def get_form_class(self):
        from guanjia.requests.forms import ClockRuleForm

        return ClockRuleForm

    def scoped_queryset(self):
        from guanjia.requests.models import ClockRule

        return ClockRule.objects.visible_to(self.request.user)

    permission = "requests.manage_clockrules"

    def perform(self, form):
        rule, moved = services.clock_rule_save(actor=self.request.user, zone=self.request.user.zone,
                                               rule=self.object, **form.cleaned_data)
        messages.success(self.request, _("规则已保存，%(n)d 个未完成时限已按新规则重算。") % {"n": moved})
        return rule

    def get_success_url(self, saved=None):
        from django.urls import reverse

        return reverse("requests:rules")
