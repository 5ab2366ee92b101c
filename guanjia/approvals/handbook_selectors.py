"""What a handbook's page and its .docx read: its items by stage, the plan against the baseline, the
critical path, elapsed working days against the committed total and the national 120, the chart's data.

A fixed number of queries whatever the number of items: the handbook (with its project and agent), its
items (with their unit and agent) and their prerequisites, the authorization's files, the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from guanjia.approvals.choices import (
    FINISHED_STATUSES,
    NATIONAL_BENCHMARK_DAYS,
    STATUS_COLOURS,
    ApprovalStage,
    HandbookAction,
    HandbookStatus,
    Status,
)
from guanjia.approvals.models import Approval, Handbook
from guanjia.core.addresses import object_address
from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar
from guanjia.workflow.models import Attachment


@dataclass
class StageGroup:
    stage: str
    label: str
    items: list = field(default_factory=list)


@dataclass
class HandbookView:
    handbook: Handbook
    approvals: list
    stages: list
    critical: list
    elapsed: int | None
    committed_total: int | None
    national: int
    letters: list
    chart: dict


def handbook_queryset(user):
    return Handbook.objects.visible_to(user).select_related("project", "project__enterprise", "project__butler",
                                                            "agent")


# What the page and the .docx show of an item (a whole row, relations and all, cost four times as much to build).
ITEM_FIELDS = ("pk", "handbook_id", "catalogue_item_id", "name", "stage", "status", "order", "committed_days",
               "statutory_days", "planned_start", "planned_due", "baseline_start", "baseline_due", "float_days",
               "critical", "provisional", "finished_on", "unit__name", "agent__name", "agent__username",
               "catalogue_item__materials")


def handbook_items(handbook):
    return list(Approval.objects.filter(handbook=handbook).select_related("unit", "agent", "catalogue_item")
                .only(*ITEM_FIELDS)
                .prefetch_related(Prefetch("prerequisites", queryset=Approval.objects.only("pk", "name")))
                .order_by("order", "pk"))


def _working_days(calendar, a: dt.date | None, b: dt.date | None) -> int | None:
    if a is None or b is None:
        return None
    try:
        return max(calendar.working_days_between(a, b), 0)
    except CalendarUnavailable:
        return None


def _slip(calendar, baseline: dt.date | None, planned: dt.date | None) -> int | None:
    """Working days the plan moved from the baseline (negative: earlier)."""
    if baseline is None or planned is None:
        return None
    if planned >= baseline:
        return _working_days(calendar, baseline, planned)
    days = _working_days(calendar, planned, baseline)
    return None if days is None else -days


def handbook_view(handbook: Handbook, *, enterprise_view: bool = False, calendar: WorkingCalendar | None = None,
                  today: dt.date | None = None) -> HandbookView:
    approvals = handbook_items(handbook)
    calendar = calendar or WorkingCalendar.load()
    today = today or timezone.localdate()
    by_stage = {value: StageGroup(value, label) for value, label in ApprovalStage.choices}
    labels = {value: str(label) for value, label in Status.choices}  # not get_status_display: it hashes choices
    item_url = object_address("approvals:approval")
    for approval in approvals:
        approval.url = item_url(approval.pk)
        approval.colour = STATUS_COLOURS.get(approval.status, "light")
        approval.status_label = labels.get(approval.status, approval.status)
        approval.slip = _slip(calendar, approval.baseline_due, approval.planned_due)
        approval.finished = approval.status in FINISHED_STATUSES
        by_stage[approval.stage].items.append(approval)
    finished_on = max((a.finished_on for a in approvals if a.finished_on), default=None)
    until = finished_on if handbook.status == HandbookStatus.FINISHED and finished_on else today
    elapsed = _working_days(calendar, handbook.start_on, until) if until >= handbook.start_on else 0
    letters = list(Attachment.objects.filter(item=handbook.item_id, event__action=HandbookAction.AUTHORIZE)
                   .order_by("-pk")) if handbook.item_id else []
    if enterprise_view:
        letters = [a for a in letters if not a.internal]
    critical = sorted((a for a in approvals if a.critical and not a.finished),
                      key=lambda a: (a.planned_start or handbook.start_on, a.planned_due or handbook.start_on))
    return HandbookView(
        handbook=handbook, approvals=approvals, stages=[g for g in by_stage.values() if g.items], critical=critical,
        elapsed=elapsed, committed_total=_working_days(calendar, handbook.start_on, handbook.baseline_finish),
        national=NATIONAL_BENCHMARK_DAYS, letters=letters, chart=_chart(handbook, approvals, today))


def _chart(handbook: Handbook, approvals: list, today: dt.date) -> dict:
    """The Gantt-like chart: per item its planned span and baseline due, in days from the start (起算日期)."""
    origin = handbook.start_on

    def offset(day):
        return None if day is None else (day - origin).days

    rows = [{"name": a.name, "from": offset(a.planned_start), "to": (offset(a.planned_due) or 0) + 1,
             "baseline": (offset(a.baseline_due) + 1) if a.baseline_due else None, "critical": a.critical,
             "finished": a.finished, "status": a.status_label,
             "start": f"{a.planned_start:%Y-%m-%d}" if a.planned_start else "",
             "due": f"{a.planned_due:%Y-%m-%d}" if a.planned_due else ""}
            for a in approvals if a.planned_start and a.planned_due]
    return {"origin": f"{origin:%Y-%m-%d}", "today": offset(today), "rows": rows}


def handbook_list(user):
    """The handbooks `user` may see, newest start first, with their items counted (one query per page)."""
    return (handbook_queryset(user).annotate(
        total=Count("approvals"), finished=Count("approvals", filter=Q(approvals__status__in=FINISHED_STATUSES)))
        .order_by("-start_on", "-pk"))


def add_elapsed(handbooks, *, calendar: WorkingCalendar | None = None, today: dt.date | None = None) -> None:
    """Each handbook's working days elapsed since its start (to today, or its planned finish once finished)
    and its committed total (to the baseline finish), on one calendar snapshot."""
    calendar = calendar or WorkingCalendar.load()
    today = today or timezone.localdate()
    for handbook in handbooks:
        until = handbook.planned_finish if handbook.status == HandbookStatus.FINISHED else today
        handbook.elapsed = (_working_days(calendar, handbook.start_on, until)
                            if until and until >= handbook.start_on else 0)
        handbook.committed_total = _working_days(calendar, handbook.start_on, handbook.baseline_finish)
