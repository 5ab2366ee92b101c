"""A handbook item's page (代办事项, `/approvals/<id>/`) with the moves the reader may take, its files, and the
half-yearly 代办 report (page and .xlsx). Every object comes through `visible_to(request.user)`; every write
calls a service of approvals.services.lifecycle."""

from __future__ import annotations

import copy
import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View, generic

from guanjia.approvals.choices import APPROVAL_MOVES, FINISHED_STATUSES, STATUS_COLOURS, Action, Clock, Status
from guanjia.approvals.forms_lifecycle import FORMS, ReportForm
from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.report import (
    FIGURE_LABELS,
    approvals_report,
    elapsed_against_benchmark,
    report_workbook,
)
from guanjia.approvals.services import lifecycle
from guanjia.approvals.workflow import APPROVAL
from guanjia.core.choices import Role
from guanjia.core.errors import Conflict
from guanjia.core.views import ScopedDetailView, ScopedMixin, xlsx_response
from guanjia.projects.models import Project
from guanjia.workflow import timeline
from guanjia.workflow.attachments import FileMissing, attachment_open
from guanjia.workflow.choices import CLOCK_COLOURS, ClockState
from guanjia.workflow.models import Clock as KernelClock

logger = logging.getLogger(__name__)

DETAIL_QUERYSET = Approval.objects.select_related("project", "unit", "agent", "handbook", "item", "catalogue_item")


def enterprise_only(user) -> bool:
    """An enterprise's own contact (and nothing more): sees no internal row, supplies only what it owes."""
    return user.has_role(Role.ENTERPRISE) and not user.is_superuser and not (user.role_codes - {Role.ENTERPRISE})


def available(user, approval: Approval) -> list[str]:
    """The moves the page offers `user` on `approval` now: its status allows them, the person may take them,
    and the item's own rules do (容缺 only where tolerated; 补齐 / 补充材料 only where something is owed)."""
    gap_open = bool(approval.gap_commit_by and not approval.gap_made_good_on)
    names = []
    for name in lifecycle.ACTION_SERVICES:
        move = APPROVAL_MOVES[name]
        if approval.status not in move.sources or not user.has_perm(move.permission, approval):
            continue
        if name == Action.ACCEPT_WITH_GAP and not approval.tolerance_allowed:
            continue
        if name == Action.MAKE_GOOD and not gap_open:
            continue
        if name == Action.SUPPLY and not (approval.status == Status.CORRECTING or gap_open):
            continue
        names.append(str(name))
    return names


def _for_tab(form, name: str):
    """The form as one tab renders it, its fields' ids its own (`id_<action>_<field>`)."""
    tab = copy.copy(form)
    tab.auto_id = f"id_{name}_%s"
    tab._bound_fields_cache = {}
    return tab


def limit_rows(approval: Approval, clocks: list[KernelClock]) -> list[dict]:
    """The two limits and the working days used against each (so far, while the authority has the item)."""
    latest = {clock.kind: clock for clock in clocks if clock.kind in lifecycle.LIMITS}
    rows = []
    for kind, days in ((Clock.COMMITTED, approval.committed_days), (Clock.STATUTORY, approval.statutory_days)):
        clock = latest.get(kind)
        used = lifecycle.working_days_used(clock) if clock is not None else None
        rows.append({"label": Clock(kind).label, "days": days, "used": used, "clock": clock,
                     "over": used is not None and used > days})
    return rows


class ApprovalDetailView(ScopedDetailView):
    queryset = DETAIL_QUERYSET
    template_name = "approvals/approval_detail.html"

    def get_context_data(self, *, refused: tuple[str, object] | None = None, **kwargs):
        """`refused`: an action and its bound form, shown open with what was typed and its errors."""
        context = super().get_context_data(**kwargs)
        user, approval = self.request.user, self.object
        names = available(user, approval)
        failed, failed_form = refused or (None, None)
        if failed_form is not None and failed not in names:
            for errors in failed_form.errors.values():
                for message in errors:
                    messages.error(self.request, message)
        clocks = list(approval.clocks.filter(cancelled=False).order_by("pk"))  # of the item shown (visible_to)
        hidden = enterprise_only(user)
        events = list(timeline.events_of(approval.item_id, enterprise_view=hidden))
        for event in events:
            event.files = [a for a in event.attachments.all()]
        context.update({
            "status_colour": STATUS_COLOURS[approval.status],
            "limits": limit_rows(approval, clocks),
            "clocks": [(c, APPROVAL.clock_label(c.kind), ClockState(c.state()).label, CLOCK_COLOURS[c.state()])
                       for c in clocks],
            "events": events,
            "attachments": [a for e in events for a in e.files],
            "actions": [(name, APPROVAL.action_label(name),
                         _for_tab(failed_form if name == failed else FORMS[name](), name)) for name in names],
            "open_action": failed if failed in names else None,
            "gap_open": bool(approval.gap_commit_by and not approval.gap_made_good_on),
            "gap_late": any(c.kind == Clock.GAP and c.state() == ClockState.OVERDUE for c in clocks),
            "enterprise_only": hidden,
            # A unit's handler sees the item, not the project or its handbook: no link leading to a 404.
            "project_shown": Project.objects.shows(user, approval.project_id),
            "handbook_shown": Handbook.objects.shows(user, approval.handbook_id),
            # Not a rule (parallel approval, 并联审批, may take an item in early), but said before it is taken in:
            # the prerequisites not yet finished.
            "waiting_on": (list(approval.prerequisites.exclude(status__in=FINISHED_STATUSES)
                                .order_by("order", "pk").values_list("name", flat=True))
                           if approval.status in (Status.NOT_STARTED, Status.PREPARING) else []),
        })
        return context


class ApprovalActionView(ApprovalDetailView):
    """POST one move from the item's page. Success redirects (PRG); a refusal renders the page again with what
    was typed and each error by its field."""

    http_method_names = ["post"]

    def refused(self, name: str, form):
        self.object = self.get_object()  # read afresh: nothing was saved
        return self.render_to_response(self.get_context_data(refused=(name, form)))

    def post(self, request, pk, action):
        if action not in lifecycle.ACTION_SERVICES:
            raise Http404
        approval = get_object_or_404(self.get_queryset(), pk=pk)
        form = FORMS[action](request.POST, request.FILES)
        if not form.is_valid():
            return self.refused(action, form)
        kwargs = form.service_kwargs()
        version = request.POST.get("version", "")
        if version.isdigit() and action != Action.SUPPLY:
            kwargs["version"] = int(version)
        try:
            lifecycle.ACTION_SERVICES[action](actor=request.user, approval=approval, **kwargs)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.refused(action, form)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            return self.refused(action, form)
        except PermissionDenied:
            form.add_error(None, _("您不能执行“%(action)s”。") % {"action": APPROVAL.action_label(action)})
            return self.refused(action, form)
        messages.success(request, _("已%(action)s。") % {"action": APPROVAL.action_label(action)})
        return HttpResponseRedirect(approval.get_absolute_url())


class ApprovalAttachmentView(ScopedMixin, View):
    """Download a file of an item the user may see (an enterprise contact: not an internal one)."""

    model = Approval

    def get(self, request, pk, attachment_pk):
        approval = get_object_or_404(self.scoped_queryset(), pk=pk)
        files = approval.attachments.filter(pk=attachment_pk)  # of the item it may see
        if enterprise_only(request.user):
            files = files.filter(internal=False)
        attachment = files.first()
        if attachment is None:
            raise Http404
        try:
            stream = attachment_open(attachment)
        except FileMissing:
            logger.error("attachment %s of item %s: its file %s is missing", attachment.pk, attachment.item_id,
                         attachment.file.name)
            return render(request, "404.html", status=404, context={"detail": _(
                "附件“%(name)s”的文件已丢失，请联系管理员从备份中恢复。") % {"name": attachment.name}})
        return FileResponse(stream, as_attachment=True, filename=attachment.name)


# -- the half-yearly 代办 report -----------------------------------------------------------------------------------

CARDS = (
    ("handled", "count", "check2-all"),
    ("on_time", "count", "stopwatch"),
    ("on_time_rate", "rate", "speedometer2"),
    ("avg_working_days", "days", "calendar-check"),
    ("avg_committed_days", "days", "calendar2-week"),
    ("avg_statutory_days", "days", "journal-text"),
)


def shown(value, kind: str) -> str:
    """A figure as the page shows it: a rate in per cent, days with one decimal, "—" where there is none."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "days":
        return f"{value:.1f}"
    return str(value)


def _shown_rows(rows: list[dict]) -> list[dict]:
    return [{"name": row["name"], **{name: shown(row[name], kind) for name, kind, _icon in CARDS}} for row in rows]


class ReportMixin(LoginRequiredMixin):
    """The period form and the report over the caller's visible items; 403 for roles without the report."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("approvals.view_approval_report"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_report(self):
        self.form = ReportForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            return None
        date_from, date_to = self.form.period
        return approvals_report(Approval.objects.visible_to(self.request.user), date_from=date_from,
                                date_to=date_to)


class ApprovalReportView(ReportMixin, generic.TemplateView):
    template_name = "approvals/approval_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        context.update(form=self.form, report=report, labels=FIGURE_LABELS)
        if report is not None:
            context["cards"] = [{"name": name, "label": FIGURE_LABELS[name], "value": shown(report[name], kind),
                                 "icon": icon} for name, kind, icon in CARDS]
            context["rows"] = {"by_unit": _shown_rows(report["by_unit"]), "by_stage": _shown_rows(report["by_stage"])}
            context["export_query"] = f"from={report['from']:%Y-%m-%d}&to={report['to']:%Y-%m-%d}"
            context["benchmark"] = elapsed_against_benchmark(Handbook.objects.visible_to(self.request.user))
        return context


class ApprovalReportExportView(ReportMixin, View):
    def get(self, request):
        report = self.get_report()
        if report is None:
            return HttpResponse("; ".join(f"{field}: {' '.join(errors)}"
                                          for field, errors in self.form.error_detail().items()),
                                status=400, content_type="text/plain; charset=utf-8")
        return xlsx_response(report_workbook(report),
                             f"approvals-report-{report['from']:%Y%m%d}-{report['to']:%Y%m%d}.xlsx")
