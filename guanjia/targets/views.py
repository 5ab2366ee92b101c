"""Pages: the year's targets (年度目标, edited in place by admins), the projects statistics (项目统计) with its
charts and Excel export, and a project's investment card (its forms post here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from guanjia.core.forms import is_id
from guanjia.core.predicates import is_zone_staff, sees_whole_zone
from guanjia.core.views import xlsx_response
from guanjia.projects.models import Project
from guanjia.targets import selectors, services
from guanjia.targets.choices import COUNTED_KINDS, TargetKind
from guanjia.targets.exports import project_stats_workbook
from guanjia.targets.forms import InvestmentPlanForm, InvestmentReportForm, TargetForm, YearForm
from guanjia.targets.models import Target
from guanjia.targets.predicates import may_view_project_stats
from guanjia.targets.templatetags.targets_tags import investment_card_context

MANAGE = "targets.manage_target"


def _messages_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _put_errors(form, error: ValidationError) -> None:
    for field, texts in _messages_of(error).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


# The targets page ---------------------------------------------------------------------------------------------

def target_rows(user, year: int) -> list[dict]:
    """The year's rows: every counted kind (set or not) and each custom target, with actual and progress."""
    targets = list(Target.objects.visible_to(user).filter(year=year).order_by("kind", "label", "pk"))
    actuals = selectors.actuals_by_year(projects=Project.objects.visible_to(user), years=[year])
    by_kind = {t.kind: t for t in targets if t.kind != TargetKind.CUSTOM}
    rows = []
    for kind in COUNTED_KINDS:
        target = by_kind.get(kind)
        actual = actuals[year][kind.value]
        rows.append(_row(year, kind, target, actual))
    rows.extend(_row(year, TargetKind.CUSTOM, t, t.actual) for t in targets if t.kind == TargetKind.CUSTOM)
    return rows


def _row(year, kind, target, actual, form=None) -> dict:
    value = target.value if target else None
    progress = selectors._rate(actual or 0, value)
    key = f"{kind}-{target.pk}" if kind == TargetKind.CUSTOM and target else str(kind)
    return {"year": year, "kind": str(kind), "kind_display": TargetKind(kind).label, "target": target,
            "label": target.label if target else "", "value": value, "actual": actual, "progress": progress,
            "key": key, "custom": kind == TargetKind.CUSTOM, "form": form}


class StaffMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_zone_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TargetListView(StaffMixin, generic.TemplateView):
    """年度目标: the zone's targets of a year with their progress; admins edit each in place."""

    template_name = "targets/target_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = YearForm(self.request.GET or None)
        year = form.year_value
        context.update(year_form=form, year=year, rows=target_rows(self.request.user, year),
                       can_manage=self.request.user.has_perm(MANAGE), kinds=TargetKind,
                       new_form=TargetForm(initial={"year": year, "kind": TargetKind.CUSTOM}))
        return context


class TargetSaveView(StaffMixin, generic.View):
    """POST one row of the targets page (htmx answers the row again, with its errors if any)."""

    def post(self, request):
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        form = TargetForm(request.POST)
        saved = None
        target_pk = request.POST.get("target", "")
        # A row already saved is edited by its id (a custom target's label may change with it).
        existing = (get_object_or_404(Target.objects.visible_to(request.user), pk=int(target_pk))
                    if target_pk.isascii() and is_id(target_pk) else None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if existing is not None:
                    fields = {"value": data["value"]}
                    if existing.kind == TargetKind.CUSTOM:
                        fields.update(label=data["label"], actual=data["actual"] or None)
                    saved = services.target_update(actor=request.user, target=existing, **fields)
                else:
                    saved = services.target_set(actor=request.user, zone=request.user.zone, year=data["year"],
                                                kind=data["kind"], value=data["value"], label=data["label"],
                                                actual=data["actual"] or None)
            except ValidationError as error:
                _put_errors(form, error)
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
        if not request.htmx:
            if saved is not None:
                messages.success(request, _("目标已保存。"))
            else:
                messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(reverse("targets:list") + (f"?year={year}" if year else ""))
        if saved is None:  # the row as it stands, with the errors under it
            kind = form.data.get("kind") if form.data.get("kind") in TargetKind.values else TargetKind.CUSTOM
            key = f"custom-{existing.pk}" if existing and existing.kind == TargetKind.CUSTOM else str(kind)
            row = {r["key"]: r for r in target_rows(request.user, year)}.get(key) if year else None
            row = row or _row(year or 0, kind, existing, existing.actual if existing else None)
            row["form"] = form
            return render(request, "targets/_target_row.html", {"row": row, "can_manage": True})
        rows = {r["key"]: r for r in target_rows(request.user, saved.year)}
        row = rows[f"custom-{saved.pk}" if saved.kind == TargetKind.CUSTOM else str(saved.kind)]
        row["saved"] = True
        return render(request, "targets/_target_row.html", {"row": row, "can_manage": True})


class TargetDeleteView(LoginRequiredMixin, generic.View):
    def post(self, request, pk):
        target = get_object_or_404(Target.objects.visible_to(request.user), pk=pk)
        services.target_delete(actor=request.user, target=target)
        messages.success(request, _("目标已删除。"))
        return HttpResponseRedirect(reverse("targets:list") + f"?year={target.year}")


# The projects statistics ---------------------------------------------------------------------------------------

class ProjectStatsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_view_project_stats(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_stats(self):
        self.form = YearForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            return None
        return selectors.project_stats(projects=Project.objects.visible_to(self.request.user),
                                       zone_id=self.request.user.zone_id, year=self.form.year_value)


class ProjectStatsView(ProjectStatsMixin, generic.TemplateView):
    template_name = "targets/project_stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = self.get_stats()
        # A butler's or a unit's figures count their own projects only: against the zone's targets they read low.
        context.update(form=self.form, stats=stats, partial_scope=not sees_whole_zone(self.request.user))
        if stats is not None:
            context["target_rows"] = stats_target_rows(stats)
            context["chart_data"] = chart_data(stats)
        return context


class ProjectStatsExportView(ProjectStatsMixin, generic.View):
    def get(self, request):
        stats = self.get_stats()
        if stats is None:
            from django.http import HttpResponse

            return HttpResponse("; ".join(f"{field}: {' '.join(errors)}" for field, errors in self.form.errors.items()),
                                status=400, content_type="text/plain; charset=utf-8")
        rows = stats_target_rows(stats)
        return xlsx_response(project_stats_workbook(stats, rows), f"project-stats-{stats['year']}.xlsx")


def stats_target_rows(stats: dict) -> list[dict]:
    """Each target of the statistics as a row: its label, figures and its 双过半 mark."""
    half = stats["half_year"]["targets"]
    rows = []
    for key, figure in stats["targets"].items():
        label = key if figure.get("custom") else str(TargetKind(key).label)
        rows.append({"key": key, "label": label, **figure, "half": half.get(key)})
    return rows


def _percent(value):
    return None if value is None else round(value * 100, 1)


def chart_data(stats: dict) -> dict:
    """What the three ECharts charts draw; sent to the page with json_script."""
    months = stats["investment"]["months"]
    rows = [row for row in stats_target_rows(stats) if row["target"] is not None]
    return {
        "names": {"completed": _("当月完成投资"), "cumulative": _("累计完成投资"), "plan": _("计划进度（按月均摊）"),
                  "reached": _("已达到该阶段"), "current": _("当前处于该阶段"), "progress": _("完成进度"),
                  "half": _("双过半线（50%）")},
        "empty": _("暂无数据"),
        "funnel": {"labels": [row["label"] for row in stats["funnel"]],
                   "reached": [row["reached"] for row in stats["funnel"]],
                   "current": [row["current"] for row in stats["funnel"]]},
        "months": {"labels": [row["month"][5:] + _("月") for row in months],
                   "completed": [row["completed"] for row in months],
                   "cumulative": [row["cumulative"] for row in months],
                   "plan": [row["plan_cumulative"] for row in months]},
        "targets": {"labels": [row["label"] for row in rows],
                    "progress": [_percent(row["progress"]) for row in rows],
                    "half": [_percent(row["half"]["progress"]) if row.get("half") else None for row in rows]},
    }


# A project's investment card ------------------------------------------------------------------------------------

class InvestmentCardMixin(LoginRequiredMixin):
    permission = ""
    form_class = None

    def post(self, request, pk):
        project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
        if not request.user.has_perm(self.permission, project):
            raise PermissionDenied
        form = self.form_class(request.POST)
        done = False
        if form.is_valid():
            try:
                self.perform(project, form.cleaned_data)
                done = True
            except ValidationError as error:
                _put_errors(form, error)
        if not request.htmx:
            if done:
                messages.success(request, self.success_message())
            else:
                messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(project.get_absolute_url())
        card = investment_card_context(request.user, project, **({} if done else {self.form_name: form}))
        return render(request, "targets/_investment_card.html",
                      {"card": card, "saved": self.success_message() if done else ""})


class InvestmentReportView(InvestmentCardMixin, generic.View):
    permission = "targets.report_investment"
    form_class = InvestmentReportForm
    form_name = "report_form"

    def perform(self, project, data):
        services.investment_report(actor=self.request.user, project=project, month=data["month"],
                                   amount=data["amount"], note=data["note"])

    def success_message(self):
        return _("月度完成投资已填报。")


class InvestmentPlanView(InvestmentCardMixin, generic.View):
    permission = "targets.plan_investment"
    form_class = InvestmentPlanForm
    form_name = "plan_form"

    def perform(self, project, data):
        services.investment_plan_set(actor=self.request.user, project=project, year=data["year"],
                                     amount=data["amount"])

    def success_message(self):
        return _("年度计划投资已保存。")
