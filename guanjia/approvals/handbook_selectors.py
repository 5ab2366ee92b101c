"""What a handbook's page and its .docx read: its items by stage, the plan against the baseline, the
critical path, elapsed working days against the committed total and the national 120, the chart's data.

A fixed number of queries whatever the number of items: the handbook (with its project and agent), its
items (as rows of values, with their unit and agent) and their prerequisites' names, the authorization's
files, the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
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
from guanjia.org.models import User
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


@dataclass(slots=True)
class HandbookRow:
    """An item of a handbook as its page and its .docx show it: read as one row of values (building model
    instances with their unit, agent and catalogue entry cost several times as much), its prerequisites as
    names, and what the page derives from it (address, colour, label, slip) worked out once."""

    pk: int
    name: str
    stage: str
    status: str
    committed_days: int
    statutory_days: int
    planned_start: dt.date | None
    planned_due: dt.date | None
    baseline_due: dt.date | None
    float_days: int | None
    critical: bool
    provisional: bool
    finished_on: dt.date | None
    unit_name: str
    agent_id: int | None
    agent_label: str
    materials: str
    prerequisite_names: list = field(default_factory=list)
    url: str = ""
    colour: str = "light"
    status_label: str = ""
    stage_label: str = ""
    slip: int | None = None
    finished: bool = False
    prerequisites_url: str = ""


_ROW_FIELDS = ("pk", "name", "stage", "status", "committed_days", "statutory_days", "planned_start", "planned_due",
               "baseline_due", "float_days", "critical", "provisional", "finished_on", "unit__name", "agent_id",
               "agent__name", "agent__username", "catalogue_item__materials")


def handbook_items(handbook) -> list[HandbookRow]:
    """The handbook's items in their order, each with its prerequisites' names (two queries)."""
    rows = []
    for (pk, name, stage, status, committed, statutory, planned_start, planned_due, baseline_due, float_days,
         critical, provisional, finished_on, unit_name, agent_id, agent_name, agent_username, materials) in (
            Approval.objects.filter(handbook=handbook).order_by("order", "pk").values_list(*_ROW_FIELDS)):
        rows.append(HandbookRow(
            pk=pk, name=name, stage=stage, status=status, committed_days=committed, statutory_days=statutory,
            planned_start=planned_start, planned_due=planned_due, baseline_due=baseline_due, float_days=float_days,
            critical=critical, provisional=provisional, finished_on=finished_on, unit_name=unit_name or "",
            agent_id=agent_id, agent_label=User.label(agent_name, agent_username) if agent_id else "",
            materials=materials or ""))
    by_pk = {row.pk: row for row in rows}
    through = Approval.prerequisites.through.objects.filter(from_approval__handbook=handbook)
    for approval_id, name in through.order_by("to_approval__order", "to_approval_id").values_list(
            "from_approval_id", "to_approval__name"):
        by_pk[approval_id].prerequisite_names.append(name)
    return rows


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
    by_stage = {value: StageGroup(value, str(label)) for value, label in ApprovalStage.choices}
    labels = {value: str(label) for value, label in Status.choices}  # not get_status_display: it hashes choices
    item_url = object_address("approvals:approval")
    for approval in approvals:
        approval.url = item_url(approval.pk)
        approval.colour = STATUS_COLOURS.get(approval.status, "light")
        approval.status_label = labels.get(approval.status, approval.status)
        approval.stage_label = by_stage[approval.stage].label
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
