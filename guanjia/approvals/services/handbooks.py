"""A project's service handbook (个性化项目服务手册): made from the catalogue, edited, planned and re-planned.

The first plan is kept as the baseline (基准计划); later plans move only `planned_*`. Each plan writes
one handbook timeline row, and a 重新排期 row on each open item whose dates it moved. An item not yet
accepted by its authority carries a `plan` clock to its planned due (so that 我的待办 and the reminders
show it), moved when the plan moves and stopped once the authority accepts it. An item's move
(`approvals.signals.approval_moved`) re-plans its handbook: `handbook_replan`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.approvals import planning
from guanjia.approvals.choices import (
    AT_AUTHORITY,
    FINISHED_STATUSES,
    Action,
    Clock,
    HandbookAction,
    HandbookStatus,
    Status,
)
from guanjia.approvals.models import Approval, ApprovalItem, Handbook
from guanjia.approvals.workflow import HANDBOOK
from guanjia.core.audit import audit_context
from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.workflow import attachments as files
from guanjia.workflow import clocks, items, timeline, transitions
from guanjia.workflow.models import Clock as KernelClock

NOT_YET_ACCEPTED = frozenset({Status.NOT_STARTED, Status.PREPARING})
PLAN_FIELDS = ("planned_start", "planned_due", "float_days", "critical", "provisional")
# A start before this, or more than this after today, is a typing mistake rather than a plan.
EARLIEST_START = dt.date(2000, 1, 1)
LATEST_START_YEARS = 2


def catalogue_for(project) -> list[ApprovalItem]:
    """The zone's catalogue items a project of this type takes by default (an item's empty type list: all)."""
    entries = ApprovalItem.objects.filter(zone=project.zone_id, archived_at__isnull=True).order_by("order", "pk")
    return [entry for entry in entries if not entry.project_types or project.project_type in entry.project_types]


def _today() -> dt.date:
    return timezone.localtime(service_now()).date()


def _check_start(start) -> dt.date:
    if not isinstance(start, dt.date):
        raise ValidationError({"start": _("请填写有效的起算日期（YYYY-MM-DD）。")})
    latest = _today().replace(year=_today().year + LATEST_START_YEARS, month=12, day=31)
    if not EARLIEST_START <= start <= latest:
        raise ValidationError({"start": _("起算日期须在 %(first)s 至 %(last)s 之间。") % {
            "first": f"{EARLIEST_START:%Y-%m-%d}", "last": f"{latest:%Y-%m-%d}"}})
    return start


def _check_agent(agent, zone_id: int) -> None:
    """The proxy agent (代办员) is a staff person of the project's zone, never an enterprise's contact."""
    if agent is None:
        return
    if agent.zone_id != zone_id or agent.enterprise_id or not agent.is_active or not (
            agent.role_codes - {"enterprise"}):
        raise ValidationError({"agent": _("代办员须为本园区的工作人员。")})


def _check_entries(entries: Sequence[ApprovalItem], zone_id: int) -> list[ApprovalItem]:
    entries = list(dict.fromkeys(entries))
    if not entries:
        raise ValidationError({"items": _("请至少选择一个审批事项。")})
    foreign = [e.name for e in entries if e.zone_id != zone_id or e.archived_at is not None]
    if foreign:
        raise ValidationError({"items": _("以下事项不在本园区的审批事项清单中：%(names)s。") % {
            "names": "、".join(foreign)}})
    return entries


def _check_zone(actor, project) -> None:
    if not actor.is_superuser and project.zone_id != actor.zone_id:
        raise ValidationError({"project": _("不能为其他园区的项目编制服务手册。")})


def _copy(entry: ApprovalItem, *, handbook: Handbook, order: int) -> Approval:
    return Approval(
        zone_id=handbook.zone_id, handbook=handbook, project_id=handbook.project_id, catalogue_item=entry,
        name=entry.name, unit_id=entry.unit_id, stage=entry.stage, statutory_days=entry.statutory_days,
        committed_days=entry.committed_days, on_correction=entry.on_correction,
        tolerance_allowed=entry.tolerance_allowed, tolerance_days=entry.tolerance_days, agent=handbook.agent,
        order=order)


def _insert_items(handbook: Handbook, entries: Sequence[ApprovalItem], *, actor, at, first_order: int = 0
                  ) -> list[Approval]:
    made = []
    for order, entry in enumerate(entries, start=first_order):
        approval = _copy(entry, handbook=handbook, order=order)
        items.insert(approval, at=at)
        timeline.record(item_id=approval.item_id, actor=actor, action=Action.PLAN, to_status=approval.status,
                        at=at)
        made.append(approval)
    return made


def _copy_prerequisites(approvals: Sequence[Approval]) -> None:
    """The new items take their catalogue items' prerequisite links with the handbook's other items."""
    if not approvals:
        return
    by_entry = {a.catalogue_item_id: a for a in Approval.objects.filter(handbook=approvals[0].handbook_id)}
    new = [a.catalogue_item_id for a in approvals]
    through_items = ApprovalItem.prerequisites.through.objects
    links = (through_items.filter(from_approvalitem__in=new) | through_items.filter(to_approvalitem__in=new)
             ).values_list("from_approvalitem", "to_approvalitem")
    through = Approval.prerequisites.through
    rows = [through(from_approval_id=by_entry[a].pk, to_approval_id=by_entry[b].pk)
            for a, b in links if a in by_entry and b in by_entry]
    through.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def handbook_create(*, actor, project, start: dt.date, entries: Sequence[ApprovalItem] | None = None,
                    agent=None) -> Handbook:
    """Make a project's handbook from the catalogue (by project type unless `entries` are given) and plan it."""
    from guanjia.projects.models import Project

    _check_zone(actor, project)
    if not actor.has_perm("approvals.plan_handbook", project):
        raise PermissionDenied(_("您不能为该项目编制服务手册。"))
    start = _check_start(start)
    agent = agent if agent is not None else project.butler
    _check_agent(agent, project.zone_id)
    entries = _check_entries(catalogue_for(project) if entries is None else entries, project.zone_id)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if Handbook.objects.filter(project=project.pk).exists():
        raise Conflict(_("该项目已有服务手册。"))
    now = service_now()
    handbook = Handbook(zone_id=project.zone_id, project=project, agent=agent, start_on=start, created_by=actor)
    handbook.full_clean(exclude=["item"])
    with audit_context(actor=actor):
        items.insert(handbook, at=now)
        timeline.record(item_id=handbook.item_id, actor=actor, action=HandbookAction.CREATE,
                        to_status=handbook.status, at=now,
                        data={"items": len(entries), "start": start.isoformat()})
        made = _insert_items(handbook, entries, actor=actor, at=now)
        _copy_prerequisites(made)
        _plan(handbook, actor=actor, action=HandbookAction.PLAN, at=now)
    return handbook


@transaction.atomic
def handbook_plan(*, actor, handbook: Handbook, start: dt.date | None = None,
                  entries: Sequence[ApprovalItem] | None = None, comment: str = "") -> Handbook:
    """Plan the handbook again (排期), from a new start and with a new list of items if given.

    Items left out are removed if nothing was done on them yet (else refused); new ones are copied
    from the catalogue with their prerequisites among the handbook's items.
    """
    with audit_context(actor=actor):
        step = transitions.begin(HANDBOOK, actor=actor, obj=handbook, action=HandbookAction.PLAN,
                                 queryset=Handbook.objects.select_related("project", "agent"))
        handbook, now = step.obj, service_now()
        if start is not None:
            handbook.start_on = _check_start(start)
        if entries is not None:
            _set_entries(handbook, _check_entries(entries, handbook.zone_id), actor=actor, at=now)
        moved = _plan(handbook, actor=actor, action=None, at=now)
        step.finish("start_on", "planned_finish", "provisional", "planned_at", "baseline_finish", "baseline_at",
                    comment=comment, at=now, data=moved)
    return handbook


def _set_entries(handbook: Handbook, entries: list[ApprovalItem], *, actor, at) -> None:
    present = {a.catalogue_item_id: a for a in Approval.objects.filter(handbook=handbook).select_related("item")}
    wanted = {e.pk for e in entries}
    dropped = [a for key, a in present.items() if key not in wanted]
    busy = [a.name for a in dropped if a.status != Status.NOT_STARTED]
    if busy:
        raise ValidationError({"items": _("以下事项已在办理，不能移出手册：%(names)s。") % {"names": "、".join(busy)}})
    for approval in dropped:
        tracked = approval.item
        approval.delete()
        tracked.delete()
    new = [e for e in entries if e.pk not in present]
    if new:
        made = _insert_items(handbook, new, actor=actor, at=at, first_order=len(present))
        _copy_prerequisites(made)


@transaction.atomic
def approval_set_prerequisites(*, actor, approval: Approval, prerequisites: Sequence[Approval]) -> Approval:
    """Set an item's prerequisites within its handbook (kept acyclic: a cycle is refused naming it), and re-plan."""
    handbook = approval.handbook
    if not actor.has_perm("approvals.plan_handbook", handbook):
        raise PermissionDenied(_("您不能编辑该服务手册。"))
    wanted = list(dict.fromkeys(prerequisites))
    if any(p.handbook_id != handbook.pk or p.pk == approval.pk for p in wanted):
        raise ValidationError({"prerequisites": _("前置事项须为本手册中的其他事项。")})
    graph = {a: set() for a in Approval.objects.filter(handbook=handbook).values_list("pk", flat=True)}
    for a, b in Approval.prerequisites.through.objects.filter(from_approval__handbook=handbook).values_list(
            "from_approval", "to_approval"):
        graph[a].add(b)
    graph[approval.pk] = {p.pk for p in wanted}
    cycle = planning.find_cycle(graph)
    if cycle:
        raise ValidationError({"prerequisites": _cycle_message(cycle)})
    approval.prerequisites.set(wanted)
    handbook_plan(actor=actor, handbook=handbook)
    return approval


def _cycle_message(cycle: Sequence[int]) -> str:
    names = dict(Approval.objects.filter(pk__in=cycle).values_list("pk", "name"))
    return _("前置事项形成循环：%(cycle)s。") % {"cycle": " → ".join(names.get(pk, str(pk)) for pk in cycle)}


@transaction.atomic
def handbook_change_agent(*, actor, handbook: Handbook, agent) -> Handbook:
    """Another proxy agent (代办员) takes the handbook over, with its open items that the former one had."""
    with audit_context(actor=actor):
        step = transitions.begin(HANDBOOK, actor=actor, obj=handbook, action=HandbookAction.CHANGE_AGENT,
                                 queryset=Handbook.objects.select_related("project"))
        handbook, now = step.obj, service_now()
        if agent is None:
            raise ValidationError({"agent": _("请选择代办员。")})
        _check_agent(agent, handbook.zone_id)
        former = handbook.agent_id
        handbook.agent = agent
        for approval in Approval.objects.filter(handbook=handbook, agent=former).exclude(
                status__in=FINISHED_STATUSES).select_related("project", "handbook"):
            approval.agent = agent
            approval.save(update_fields=["agent"])
            items.sync(approval, at=now)
        step.finish("agent", at=now, data={"from": former, "to": agent.pk})
    return handbook


@files.removed_if_failed
@transaction.atomic
def handbook_authorize(*, actor, handbook: Handbook, uploads: Sequence, authorized_on: dt.date | None = None,
                       comment: str = "") -> Handbook:
    """The enterprise's authorization (委托书) uploaded, by its contact or the staff serving the project."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"attachments": _("请上传企业签署的委托书。")})
    files.check_uploads(uploads)
    authorized_on = authorized_on or _today()
    if authorized_on > _today():
        raise ValidationError({"authorized_on": _("委托日期不能晚于今天。")})
    with audit_context(actor=actor):
        step = transitions.begin(HANDBOOK, actor=actor, obj=handbook, action=HandbookAction.AUTHORIZE,
                                 queryset=Handbook.objects.select_related("project"))
        step.obj.authorized_on = authorized_on
        step.finish("authorized_on", comment=comment, attachments=uploads,
                    data={"authorized_on": authorized_on.isoformat()})
    return step.obj


@transaction.atomic
def handbook_replan(*, handbook_id: int, actor=None, at: dt.datetime | None = None) -> Handbook | None:
    """Re-plan after an item moved (the receiver of approval_moved): the handbook reopens if an item is
    open again, the items after the moved one move by themselves, and it finishes when every item has."""
    handbook = Handbook.objects.select_for_update(of=("self",)).select_related("project").filter(
        pk=handbook_id).first()
    if handbook is None:
        return None
    now = at or service_now()
    statuses = list(Approval.objects.filter(handbook=handbook).values_list("status", flat=True))
    all_done = bool(statuses) and all(s in FINISHED_STATUSES for s in statuses)
    if handbook.status == HandbookStatus.FINISHED and not all_done:
        _system_move(handbook, HandbookAction.REOPEN, actor=actor, at=now)
    if handbook.status == HandbookStatus.ACTIVE:
        before = handbook.planned_finish
        moved = _plan(handbook, actor=actor, action=None, at=now)
        if moved["moved"] or before != handbook.planned_finish:
            _system_move(handbook, HandbookAction.REPLAN, actor=actor, at=now, data=moved)
        else:  # nothing moved: no timeline row, and no new version for a person editing it meanwhile
            Handbook.objects.filter(pk=handbook.pk).update(planned_at=now)
        if all_done:
            _system_move(handbook, HandbookAction.FINISH, actor=actor, at=now)
    return handbook


def _system_move(handbook: Handbook, action: str, *, actor, at, data: dict | None = None) -> None:
    step = transitions.Step(HANDBOOK, handbook, actor=actor, action=action)
    transitions.check_move(HANDBOOK, status=handbook.status, action=action)
    step.finish("planned_finish", "provisional", "planned_at", at=at, data=data)


def _facts(approval: Approval) -> dict:
    if approval.status in FINISHED_STATUSES:
        return {"finished_on": approval.finished_on or _today()}
    if approval.status in AT_AUTHORITY and approval.due_at is not None:
        return {"due_on": timezone.localtime(approval.due_at).date()}
    return {}


def _plan(handbook: Handbook, *, actor, action: str | None, at: dt.datetime,
          calendar: WorkingCalendar | None = None) -> dict:
    """Plan the handbook's items now; write what moved. `action` writes the handbook's own timeline row
    (None: the caller's transition writes it). Returns {"planned_finish", "moved"}."""
    approvals = list(Approval.objects.filter(handbook=handbook).prefetch_related("prerequisites")
                     .order_by("order", "pk"))
    tasks = [planning.Task(a.pk, a.committed_days, tuple(p.pk for p in a.prerequisites.all()), **_facts(a))
             for a in approvals]
    calendar = calendar or WorkingCalendar.load()
    try:
        result = planning.plan(start=handbook.start_on, tasks=tasks, calendar=calendar)
    except planning.PlanningCycle as error:
        raise ValidationError({"items": _cycle_message(error.cycle)}) from error
    except CalendarUnavailable as error:
        raise ValidationError({"start": error.message}) from error
    first = handbook.baseline_at is None
    changed, moved = [], 0
    for approval in approvals:
        planned = result.items[approval.pk]
        before = (approval.planned_start, approval.planned_due)
        values = {name: getattr(planned, name) for name in PLAN_FIELDS}
        if first or approval.baseline_due is None:
            approval.baseline_start, approval.baseline_due = planned.planned_start, planned.planned_due
        if any(getattr(approval, k) != v for k, v in values.items()) or first:
            for k, v in values.items():
                setattr(approval, k, v)
            changed.append(approval)
        open_item = approval.status not in FINISHED_STATUSES
        if open_item and before[1] is not None and before != (planned.planned_start, planned.planned_due):
            moved += 1
            timeline.record(item_id=approval.item_id, actor=actor, action=Action.REPLAN, from_status=approval.status,
                            to_status=approval.status, at=at, data={
                                "planned_due": [f"{before[1]:%Y-%m-%d}", f"{planned.planned_due:%Y-%m-%d}"]})
    ids = {a.pk for a in changed}
    changed += [a for a in _keep_plan_clocks(approvals, handbook, at=at, calendar=calendar) if a.pk not in ids]
    if changed:
        Approval.objects.bulk_update(changed, [*PLAN_FIELDS, "baseline_start", "baseline_due", "due_at"])
    handbook.planned_finish, handbook.provisional, handbook.planned_at = (
        result.planned_finish, result.provisional, at)
    if first:
        handbook.baseline_finish, handbook.baseline_at = result.planned_finish, at
    data = {"planned_finish": f"{result.planned_finish:%Y-%m-%d}", "moved": moved,
            "critical": len(result.critical_path)}
    if action is not None:
        transitions.save(handbook, "planned_finish", "provisional", "planned_at", "baseline_finish", "baseline_at")
        timeline.record(item_id=handbook.item_id, actor=actor, action=action, from_status=handbook.status,
                        to_status=handbook.status, at=at, data=data)
    return data


def _keep_plan_clocks(approvals: list[Approval], handbook: Handbook, *, at, calendar) -> list[Approval]:
    """A `plan` clock to the planned due on each item not yet accepted; stopped once it is, moved with the plan."""
    running = {c.item_id: c for c in KernelClock.objects.filter(
        item__in=[a.item_id for a in approvals], kind=Clock.PLAN, stopped_at__isnull=True, cancelled=False)}
    touched, shown = [], []
    origin = timezone.make_aware(dt.datetime.combine(handbook.start_on, dt.time.min))
    for approval in approvals:
        clock = running.get(approval.item_id)
        wants = approval.status in NOT_YET_ACCEPTED
        if clock is not None and (not wants or timezone.localtime(clock.due_at).date() != approval.planned_due):
            (clocks.stop if approval.status not in NOT_YET_ACCEPTED else clocks.cancel)(clock, at=at)
            touched.append(approval.item_id)
            clock = None
        if wants and clock is None:
            rule = clocks.Rule(clocks.DAYS, 0, fixed=True, until=approval.planned_due)
            clock = clocks.start(item=approval.item_id, kind=Clock.PLAN, at=min(origin, at), rule=rule,
                                 calendar=calendar)
            touched.append(approval.item_id)
        if wants and approval.due_at != clock.due_at:
            approval.due_at = clock.due_at
            shown.append(approval)
    if touched:
        items.refresh_deadlines(touched)
    return shown


def plan_for_api(*, actor, project, start: dt.date, entries: Sequence[ApprovalItem]) -> Handbook:
    """POST …/approvals/plan/: make the project's handbook if it has none, else re-plan it with those items."""
    handbook = Handbook.objects.filter(project=project.pk).first()
    if handbook is None:
        return handbook_create(actor=actor, project=project, start=start, entries=entries)
    return handbook_plan(actor=actor, handbook=handbook, start=start, entries=entries)
