"""Reads for the half-yearly 代办 report (代办情况 半年公布, Wucheng) and the whole-process benchmark.

- `approvals_report`: items handled in a period (approved or refused, `finished_on` in it), how many on time
  (working days used ≤ the committed limit), the average working days used against the average committed and
  statutory limits; overall, by authority unit and by stage; each figure one GROUP BY in the database.
- `elapsed_against_benchmark`: per project and for the zone, the working days its approvals have taken so far
  (from the handbook's start to the last item finished, or today while some are open) against the committed
  total (the plan's critical path, 通排) and the national 120 working days (国办发〔2018〕33号).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Case, Count, F, IntegerField, Max, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from guanjia.approvals.choices import NATIONAL_BENCHMARK_DAYS, OPEN_STATUSES, ApprovalStage, Status
from guanjia.core import calendar as workcal

HANDLED = (Status.APPROVED, Status.REFUSED)

FIGURE_LABELS = {
    "handled": _("办结事项"),
    "on_time": _("按承诺时限办结"),
    "on_time_rate": _("按时办结率"),
    "avg_working_days": _("平均用时（工作日）"),
    "avg_committed_days": _("平均承诺时限（工作日）"),
    "avg_statutory_days": _("平均法定时限（工作日）"),
    "approved": _("准予许可"),
    "refused": _("不予许可"),
}
FIGURES = tuple(FIGURE_LABELS)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current half year (上半年 1-1…6-30, 下半年 7-1…12-31), as the report is published."""
    today = today or timezone.localdate()
    if today.month <= 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year, 7, 1), dt.date(today.year, 12, 31)


def _aggregates() -> dict:
    return {
        "handled": Count("pk"),
        "on_time": Sum(Case(When(working_days_used__lte=F("committed_days"), then=1), default=0,
                            output_field=IntegerField())),
        "avg_working_days": Avg("working_days_used"),
        "avg_committed_days": Avg("committed_days"),
        "avg_statutory_days": Avg("statutory_days"),
        "approved": Count("pk", filter=Q(status=Status.APPROVED)),
        "refused": Count("pk", filter=Q(status=Status.REFUSED)),
    }


def _figures(row: dict) -> dict:
    handled, on_time = row.get("handled") or 0, row.get("on_time") or 0

    def rounded(value):
        return None if value is None else round(float(value), 1)

    return {
        "handled": handled, "on_time": on_time, "on_time_rate": round(on_time / handled, 4) if handled else None,
        "avg_working_days": rounded(row.get("avg_working_days")),
        "avg_committed_days": rounded(row.get("avg_committed_days")),
        "avg_statutory_days": rounded(row.get("avg_statutory_days")),
        "approved": row.get("approved") or 0, "refused": row.get("refused") or 0,
    }


def approvals_report(queryset, *, date_from: dt.date, date_to: dt.date) -> dict:
    """The 代办 report over `queryset` (the caller's `Approval.objects.visible_to`): three queries."""
    handled = queryset.filter(status__in=HANDLED, finished_on__gte=date_from, finished_on__lte=date_to).order_by()
    overall = _figures(handled.aggregate(**_aggregates()))
    by_unit = [{"id": row["unit"], "name": row["unit__name"], **_figures(row)}
               for row in handled.values("unit", "unit__name").annotate(**_aggregates()).order_by("-handled", "unit")]
    labels = dict(ApprovalStage.choices)
    stages = {row["stage"]: row for row in handled.values("stage").annotate(**_aggregates())}
    by_stage = [{"stage": code, "name": str(labels[code]), **_figures(stages[code])}
                for code in ApprovalStage.values if code in stages]
    return {"from": date_from, "to": date_to, **overall, "by_unit": by_unit, "by_stage": by_stage}


def elapsed_against_benchmark(handbooks, *, today: dt.date | None = None, calendar=None) -> dict:
    """Per project (one row per handbook of `handbooks`, a visible_to queryset) and for the zone: working days
    elapsed against the committed total and NATIONAL_BENCHMARK_DAYS. One query, then calendar arithmetic."""
    today = today or timezone.localdate()
    calendar = calendar or workcal.WorkingCalendar.load()
    rows = (handbooks.order_by("start_on", "pk")
            .annotate(open_items=Count("approvals", filter=Q(approvals__status__in=OPEN_STATUSES)),
                      last_finished=Max("approvals__finished_on"),
                      items=Count("approvals", filter=~Q(approvals__status=Status.NOT_APPLICABLE)))
            # The committed total is the first plan's (the baseline): re-planning after a late item moves the
            # plan's finish, not what was promised.
            .annotate(promised=Coalesce("baseline_finish", "planned_finish"))
            .values("pk", "project", "project__name", "start_on", "promised", "open_items", "last_finished", "items"))
    projects = []
    for row in rows:
        done = row["open_items"] == 0 and row["items"] > 0
        end = row["last_finished"] if done and row["last_finished"] else today
        try:
            elapsed = max(calendar.working_days_between(row["start_on"], end), 0)
            committed = (calendar.working_days_between(row["start_on"], row["promised"])
                         if row["promised"] else None)
        except workcal.CalendarUnavailable:
            elapsed = committed = None
        projects.append({
            "handbook": row["pk"], "project": row["project"], "name": row["project__name"], "start_on": row["start_on"],
            "finished": done, "elapsed_working_days": elapsed, "committed_total": committed,
            "benchmark": NATIONAL_BENCHMARK_DAYS,
            "within_committed": None if elapsed is None or committed is None else elapsed <= committed,
            "within_benchmark": None if elapsed is None else elapsed <= NATIONAL_BENCHMARK_DAYS,
        })
    finished = [p for p in projects if p["finished"] and p["elapsed_working_days"] is not None]
    counted = [p for p in projects if p["elapsed_working_days"] is not None]
    zone = {
        "projects": len(projects), "finished": len(finished), "benchmark": NATIONAL_BENCHMARK_DAYS,
        "avg_elapsed_finished": (round(sum(p["elapsed_working_days"] for p in finished) / len(finished), 1)
                                 if finished else None),
        "over_benchmark": sum(1 for p in counted if not p["within_benchmark"]),
        "over_committed": sum(1 for p in counted if p["within_committed"] is False),
    }
    return {"projects": projects, "zone": zone}


def report_workbook(report: dict) -> bytes:
    """The report as the .xlsx Wucheng publishes: the figures, then by unit, then by stage."""
    from io import BytesIO

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("代办情况"))
    bold = Font(bold=True)
    sheet.append([str(_("代办情况统计（%(from)s 至 %(to)s）") % {"from": f"{report['from']:%Y-%m-%d}",
                                                           "to": f"{report['to']:%Y-%m-%d}"})])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])

    def percent(value):
        return None if value is None else value

    def table(title: str, first: str, rows: list[dict]) -> None:
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append([first, *(str(FIGURE_LABELS[name]) for name in FIGURES)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True)
        for row in rows:
            sheet.append([row["name"], *(percent(row[name]) for name in FIGURES)])
            sheet.cell(sheet.max_row, 1 + FIGURES.index("on_time_rate") + 1).number_format = "0.0%"
        sheet.append([])

    table(str(_("总体")), str(_("范围")), [{"name": str(_("全部")), **{name: report[name] for name in FIGURES}}])
    table(str(_("按审批部门")), str(_("审批部门")), report["by_unit"])
    table(str(_("按审批阶段")), str(_("审批阶段")), report["by_stage"])
    sheet.column_dimensions["A"].width = 28
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 14
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def approvals_elapsed(*, user, project=None, today: dt.date | None = None) -> dict:
    """`elapsed_against_benchmark` over the handbooks `user` sees (one project's, if given): what a handbook page
    or the zone's pages show of the whole process against its committed total and the 120 working days."""
    from guanjia.approvals.models import Handbook

    handbooks = Handbook.objects.visible_to(user)
    if project is not None:
        handbooks = handbooks.filter(project=project)
    return elapsed_against_benchmark(handbooks, today=today)
